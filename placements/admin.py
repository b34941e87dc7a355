from django.contrib import admin

from placements.models import LogEntry, Placement, PlacementEvent


class PlacementEventInline(admin.TabularInline):
    model = PlacementEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "from_status", "to_status", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Placement)
class PlacementAdmin(admin.ModelAdmin):
    list_display = ["company", "host", "intake", "starts_on", "ends_on", "status"]
    list_filter = ["status", "intake"]
    # The status changes only through placements.services.
    readonly_fields = ["offer", "company", "intake", "host", "status", "desk_until", "version"]
    inlines = [PlacementEventInline]


@admin.register(LogEntry)
class LogEntryAdmin(admin.ModelAdmin):
    list_display = ["placement", "kind", "on", "staff_only"]
    list_filter = ["kind"]
