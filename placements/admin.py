from django.contrib import admin

from placements.models import (
    DeskInvoice,
    DeskInvoiceLine,
    ExchangeRate,
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


@admin.register(ExchangeRate)
class ExchangeRateAdmin(admin.ModelAdmin):
    list_display = ["on", "base", "quote", "rate", "source"]
    list_filter = ["source"]
    search_fields = ["base", "quote"]
    # Rates are never edited: a correction is a new row under its own source.
    readonly_fields = ["base", "quote", "on", "rate", "source", "entered_by"]


class DeskInvoiceLineInline(admin.TabularInline):
    model = DeskInvoiceLine
    extra = 0
    can_delete = False
    readonly_fields = ["placement", "first_day", "last_day", "days", "day_cost", "amount"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DeskInvoice)
class DeskInvoiceAdmin(admin.ModelAdmin):
    list_display = ["host", "intake", "period_start", "period_end", "days", "total", "status"]
    list_filter = ["status", "intake"]
    # Drawn by placements.desk_invoices; the status changes only through its services.
    readonly_fields = ["intake", "host", "placement", "period_start", "period_end", "days",
                       "total", "status", "paid_on", "payment_reference", "version"]  # fmt: skip
    inlines = [DeskInvoiceLineInline]


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

    list_display = ["intake", "position", "name", "share", "condition"]
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
