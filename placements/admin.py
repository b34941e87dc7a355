from django.contrib import admin

from placements.models import (
    ExpenseClaim,
    LogEntry,
    MoneyEvent,
    Placement,
    PlacementEvent,
    StipendAward,
    StipendTerm,
)


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


# --- Stipends and expense claims (issue 17) ----------------------------------------------
# Read-only: amounts and statuses change only through placements.stipends, which audits them.


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StipendTerm)
class StipendTermAdmin(admin.ModelAdmin):
    """An intake's stipend schedule (the shares of each award and when they fall due)."""

    list_display = ["intake", "position", "label", "share", "condition"]
    list_filter = ["intake"]


@admin.register(StipendAward)
class StipendAwardAdmin(ReadOnlyAdmin):
    list_display = ["company", "intake", "amount", "approved_total", "status"]
    list_filter = ["status", "intake"]


@admin.register(ExpenseClaim)
class ExpenseClaimAdmin(ReadOnlyAdmin):
    list_display = ["award", "total", "approved_total", "status"]
    list_filter = ["status"]


@admin.register(MoneyEvent)
class MoneyEventAdmin(ReadOnlyAdmin):
    list_display = ["at", "award", "tranche", "claim", "actor", "from_status", "to_status"]
