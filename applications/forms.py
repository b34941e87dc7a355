from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.enums import MemberRole
from applications.models import Company
from programs.queries import sectors


class CompanyForm(forms.ModelForm):
    """The company profile: what the program selects on and the eligibility check reads."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Company
        fields = [
            "name",
            "country",
            "city",
            "website",
            "sector",
            "year_founded",
            "employees",
            "annual_revenue",
            "export_markets",
            "export_revenue_percent",
            "offering",
            "paying_customers",
            "proof",
        ]
        labels = {"name": _("Legal name")}
        help_texts = {
            "name": _("As registered, e.g. “Northwind Engineering Inc.”"),
            "export_markets": _("Countries where you already have customers."),
        }
        widgets = {
            "offering": forms.Textarea(attrs={"rows": 3}),
            "proof": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the company's legal name."))
        return name

    def clean_year_founded(self):
        year = self.cleaned_data["year_founded"]
        if year is not None and year > timezone.localdate().year:
            raise forms.ValidationError(_("The year founded cannot be in the future."))
        return year


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's email"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=MemberRole.choices,
        initial=MemberRole.STAFF,
        help_text=_("Staff edit drafts; only an owner submits, withdraws or accepts an offer."),
    )
