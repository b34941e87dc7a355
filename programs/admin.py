from django.contrib import admin

from programs.models import ForeignMarket, HostIncubator, Program, ProgramStaff


@admin.register(ForeignMarket)
class ForeignMarketAdmin(admin.ModelAdmin):
    list_display = ["country"]


@admin.register(HostIncubator)
class HostIncubatorAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "market"]
    list_filter = ["market"]
    filter_horizontal = ["partner_staff"]


class ProgramStaffInline(admin.TabularInline):
    model = ProgramStaff
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgramStaffInline]
