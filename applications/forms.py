from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField


class CompanyForm(forms.Form):
    name = forms.CharField(
        label=_("Legal name"),
        max_length=200,
        help_text=_("As registered, e.g. “Northwind Engineering Inc.”"),
    )
    country = LazyTypedChoiceField(label=_("Country"), choices=[("", "---------"), *countries])

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the company's legal name."))
        return name
