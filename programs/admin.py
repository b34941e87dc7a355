from django.contrib import admin
from django.contrib.auth import get_user_model

from programs import services
from programs.models import (
    DeskOffer,
    ForeignMarket,
    HostIncubator,
    HostPartnerChange,
    Intake,
    IntakeChange,
    Program,
    ProgramStaff,
    RubricCriterion,
)


@admin.register(ForeignMarket)
class ForeignMarketAdmin(admin.ModelAdmin):
    list_display = ["country"]


@admin.register(HostIncubator)
class HostIncubatorAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "market", "desk_capacity", "partnership"]
    list_filter = ["market", "partnership"]
    search_fields = ["name", "city"]
    # Partner access changes go through the host's page, which records and announces them.
    readonly_fields = ["partner_staff"]


@admin.register(HostPartnerChange)
class HostPartnerChangeAdmin(admin.ModelAdmin):
    list_display = ["host", "changed_by", "changed_at"]
    readonly_fields = ["host", "changed_by", "changed_at", "before", "after"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ProgramStaffInline(admin.TabularInline):
    model = ProgramStaff
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ProgramStaffInline]

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProgramStaff:
            return super().save_formset(request, form, formset, change)
        # Staff rows deleted or changed here go through the same reaction as the managers'
        # page (services.staff_removed), for everyone who had a row before the save.
        before = set(formset.get_queryset().values_list("user", flat=True))
        super().save_formset(request, form, formset, change)
        for user in get_user_model().objects.filter(pk__in=before):
            services.staff_removed(form.instance, user=user)


class DeskOfferInline(admin.TabularInline):
    model = DeskOffer
    extra = 0
    autocomplete_fields = ["host"]


class RubricCriterionInline(admin.TabularInline):
    model = RubricCriterion
    extra = 0


@admin.register(Intake)
class IntakeAdmin(admin.ModelAdmin):
    list_display = ["title", "program", "direction", "opens_at", "closes_at", "published_at"]
    list_filter = ["program", "direction"]
    search_fields = ["title"]
    # The selection workflow sets these; the admin only shows them.
    readonly_fields = ["selection_started_at", "slate_confirmed_at", "archived_at", "created_at"]
    inlines = [DeskOfferInline, RubricCriterionInline]


@admin.register(IntakeChange)
class IntakeChangeAdmin(admin.ModelAdmin):
    list_display = ["intake", "kind", "changed_by", "changed_at"]
    readonly_fields = ["intake", "kind", "changed_by", "changed_at", "reason", "before", "after"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
