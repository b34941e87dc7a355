from django.contrib import admin

from applications import services
from applications.models import Company, CompanyMember


class CompanyMemberInline(admin.TabularInline):
    model = CompanyMember
    extra = 1
    autocomplete_fields = ["user"]


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "country", "created_at"]
    search_fields = ["name"]
    inlines = [CompanyMemberInline]

    def save_model(self, request, obj, form, change):
        """A change saves through the profile's service, so the counts that follow the firm's
        sector (the managers' sector filter) follow a change made here too (saved directly, a
        firm moved to another sector was listed under its old one)."""
        if not change:
            return super().save_model(request, obj, form, change)
        profile = {
            name: getattr(obj, name)
            for name in form.changed_data
            if name in services.PROFILE_FIELDS
        }
        services.update_company(obj, by=request.user, **profile)
