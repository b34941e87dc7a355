from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.forms.fields import MoneyField

from applications.dates import date_problems
from applications.enums import BudgetCategory, DocumentKind, MemberRole, Objective
from applications.models import Company
from portal.forms import LabelledMoneyMixin
from programs.queries import sectors
from programs.services import NoExchangeRate, to_program_currency


class CompanyForm(LabelledMoneyMixin, forms.ModelForm):
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


def answer(label, help_text="", max_length=4000, rows=4):
    """A free-text answer of the business case: optional while drafting, checked at submission."""
    return forms.CharField(
        label=label,
        help_text=help_text,
        required=False,
        max_length=max_length,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class VersionedForm(forms.Form):
    """Every step carries the draft version it was loaded at (see services.DraftConflict),
    and a token naming this open page, so its own autosave is never taken for someone else."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    editor = forms.CharField(widget=forms.HiddenInput, max_length=32, required=False)


class HostsForm(VersionedForm):
    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        offers = list(application.intake.desk_offers.all())
        choices = [("", _("— no choice —"))] + [
            (
                str(offer.host.pk),
                f"{offer.host.name} ({offer.host.city}, {offer.host.market.country.name})",
            )
            for offer in offers
        ]
        self.hosts = {str(offer.host.pk): offer.host for offer in offers}
        for rank in range(1, application.intake.max_host_preferences + 1):
            self.fields[f"choice_{rank}"] = forms.ChoiceField(
                label=_("Choice %(rank)s") % {"rank": rank},
                choices=choices,
                required=rank == 1,
            )

    def clean(self):
        data = super().clean()
        seen = set()
        for name in [name for name in self.fields if name.startswith("choice_")]:
            value = data.get(name)
            if value and value in seen:
                self.add_error(name, _("This host is already ranked above."))
            seen.add(value)
        return data

    def ranked_hosts(self):
        names = sorted(
            (name for name in self.fields if name.startswith("choice_")),
            key=lambda name: int(name.split("_")[1]),
        )
        return [self.hosts[self.cleaned_data[n]] for n in names if self.cleaned_data.get(n)]


class DatesForm(VersionedForm):
    proposed_start = forms.DateField(
        label=_("Arrival at the host"), widget=forms.DateInput(attrs={"type": "date"})
    )
    proposed_end = forms.DateField(
        label=_("Departure"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.intake = application.intake

    def clean(self):
        data = super().clean()
        start, end = data.get("proposed_start"), data.get("proposed_end")
        if start and end:
            for problem in date_problems(self.intake, start, end):
                self.add_error("proposed_end", problem)
        return data


class ObjectivesForm(VersionedForm):
    objectives = forms.MultipleChoiceField(
        label=_("Objectives for the stay"),
        choices=Objective.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    objectives_detail = answer(_("What you want to achieve"))

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)


class CaseForm(VersionedForm):
    potential_market = answer(
        _("Potential market"), _("Who would buy, how many of them, and how you know.")
    )
    proven_product = answer(
        _("Proven product"), _("Paying customers, revenue, references at home.")
    )
    why_this_market = answer(_("Why this market"))
    export_readiness = answer(
        _("Export readiness"), _("Plans, people and money to serve customers abroad.")
    )
    travellers = answer(
        _("Who travels"),
        _("Names and roles of the people who would work from the host."),
        max_length=2000,
        rows=3,
    )

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)


class BudgetLineForm(LabelledMoneyMixin, forms.Form):
    # An initial value keeps an untouched extra row unchanged (and so ignored).
    category = forms.ChoiceField(
        label=_("Category"), choices=BudgetCategory.choices, initial=BudgetCategory.TRAVEL
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    amount = MoneyField(
        label=_("Amount"),
        min_value=0,
        max_digits=14,
        decimal_places=2,
        default_currency=settings.PORTAL_CURRENCY,
        currency_choices=[(code, code) for code in settings.CURRENCIES],
    )

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        try:
            to_program_currency(amount)
        except NoExchangeRate as error:
            raise forms.ValidationError(error.messages) from error
        return amount


class BaseBudgetFormSet(forms.BaseFormSet):
    def lines(self):
        return [
            (
                form.cleaned_data["category"],
                form.cleaned_data.get("description", ""),
                form.cleaned_data["amount"],
            )
            for form in self.forms
            if form.cleaned_data.get("amount") is not None and not form.cleaned_data.get("DELETE")
        ]


BudgetFormSet = forms.formset_factory(
    BudgetLineForm, formset=BaseBudgetFormSet, extra=2, can_delete=True
)


class BudgetForm(VersionedForm):
    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class WithdrawForm(forms.Form):
    note = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=_("New deadline for this applicant"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In the intake's time zone."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )
