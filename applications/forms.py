import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.forms.fields import MoneyField

from applications.dates import date_problems
from applications.enums import (
    BudgetCategory,
    DocumentKind,
    HostFit,
    MemberRole,
    Objective,
    Recommendation,
)
from applications.models import Company
from applications.services.applying import PROFILE_FIELDS
from portal.forms import (
    DateInput,
    IdField,
    IdsField,
    LabelledMoneyMixin,
    ListFormSet,
    LocalDateTimeInput,
    Paragraphs,
    SentOnce,
)
from portal.validators import validate_single_line
from programs.queries import sectors
from programs.services import NoExchangeRate, to_program_currency


class CompanyForm(LabelledMoneyMixin, forms.ModelForm):
    """The company profile: what the program selects on and the eligibility check reads."""

    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    class Meta:
        model = Company
        fields = PROFILE_FIELDS
        labels = {"name": _("Legal name")}
        help_texts = {
            "name": _("As registered, e.g. “Northwind Engineering Inc.”"),
            "export_markets": _("Countries where you already have customers."),
        }
        widgets = {
            "offering": Paragraphs(attrs={"rows": 3}),
            "proof": Paragraphs(attrs={"rows": 3}),
        }

    # The profile's version when the page was drawn (services.update_company).
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].queryset = sectors()
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version
        else:
            del self.fields["version"]

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


class NewCompanyForm(SentOnce, CompanyForm):
    """The profile of a company being registered, sent once (services.register_company)."""


class InvitationForm(SentOnce):
    # The column's length (an address the form let through and the database refused was a
    # server error).
    email = forms.EmailField(label=_("Colleague's email"), max_length=254)
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
        widget=Paragraphs(attrs={"rows": rows}),
    )


class VersionedForm(forms.Form):
    """Every step carries the draft version it was loaded at (see services.DraftConflict),
    and a token naming this open page, so its own autosave is never taken for someone else."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
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
    proposed_start = forms.DateField(label=_("Arrival at the host"), widget=DateInput())
    proposed_end = forms.DateField(label=_("Departure"), widget=DateInput())

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
    description = forms.CharField(
        label=_("Description"), max_length=200, required=False, validators=[validate_single_line]
    )
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


class BaseBudgetFormSet(ListFormSet):
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


class DocumentForm(SentOnce):
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
        widget=Paragraphs(attrs={"rows": 2}),
    )


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=_("New deadline for this applicant"),
        widget=LocalDateTimeInput(),
        help_text=_("In the intake's time zone."),
    )
    # Two texts, two readers: the applicant reads the message in their history; the staff
    # note (why the extension was given) stays with the program's staff.
    message = forms.CharField(
        label=_("Message to the applicant (optional)"),
        required=False,
        max_length=1000,
        widget=Paragraphs(attrs={"rows": 2}),
        help_text=_("Shown to the applicant in their application's history."),
    )
    reason = forms.CharField(
        label=_("Staff note: why the deadline is extended"),
        max_length=1000,
        widget=Paragraphs(attrs={"rows": 2}),
        help_text=_("Only the program's staff see it."),
    )

    def clean_until(self):
        # A year at most: a date typed far off (9999) is refused here, not a server error
        # when it is read in the intake's time zone.
        until = self.cleaned_data["until"]
        if until.date() > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError(_("An extension reaches at most a year from today."))
        return until


NOT_APPLICABLE = "na"


class ReviewForm(forms.Form):
    """A score (or "not applicable") for each criterion, a recommendation and a comment."""

    recommendation = forms.ChoiceField(
        label=_("Recommendation"), choices=[("", "—"), *Recommendation.choices]
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=Paragraphs(attrs={"rows": 5}),
        help_text=_("What the program manager should know; the applicant does not see it."),
    )

    def __init__(self, *args, criteria, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        given = {}
        if review is not None and not self.is_bound:
            given = {score.criterion_id: score.value for score in review.scores.all()}
            self.initial.update(comment=review.comment, recommendation=review.recommendation)
        fields = {}
        for criterion in criteria:
            choices = [("", "—")]
            choices += [(str(n), str(n)) for n in range(1, criterion.scale_max + 1)]
            choices.append((NOT_APPLICABLE, _("Not applicable")))
            fields[self.field_name(criterion)] = forms.ChoiceField(
                label=criterion.display_name,
                choices=choices,
                help_text=_("%(description)s Weight %(weight)s; 1 to %(top)s.")
                % {"description": criterion.display_description, "weight": criterion.weight,
                   "top": criterion.scale_max},
                error_messages={"required": _("Give a score or choose not applicable.")},
            )  # fmt: skip
            if criterion.pk in given:
                value = given[criterion.pk]
                self.initial[self.field_name(criterion)] = (
                    NOT_APPLICABLE if value is None else str(value)
                )
        # Criteria first, in the rubric's order.
        self.fields = {**fields, **self.fields}

    @staticmethod
    def field_name(criterion):
        return f"criterion_{criterion.pk}"

    def criterion_fields(self):
        return [self[self.field_name(criterion)] for criterion in self.criteria]

    def values(self):
        """{criterion id: value or None}, for services.save_review."""
        values = {}
        for criterion in self.criteria:
            raw = self.cleaned_data[self.field_name(criterion)]
            values[criterion.pk] = None if raw == NOT_APPLICABLE else int(raw)
        return values


class ConflictForm(forms.Form):
    reason = forms.CharField(
        label=_("What is the conflict?"),
        widget=Paragraphs(attrs={"rows": 3}),
        help_text=_("For example: a former employer, a client, a relative, a competitor."),
    )


class ScreeningOverrideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("eligible", _("Eligible: send to review")),
                 ("ineligible", _("Ineligible"))],
        widget=forms.RadioSelect,
    )  # fmt: skip
    reason = forms.CharField(
        label=_("Reason"),
        widget=Paragraphs(attrs={"rows": 3}),
        help_text=_("Kept in the application's history."),
    )

    def __init__(self, *args, decisions=None, **kwargs):
        """``decisions``: the ones the application's status allows (rules.screening_decisions);
        the page offers no choice the transition table would refuse."""
        super().__init__(*args, **kwargs)
        if decisions is not None:
            field = self.fields["decision"]
            field.choices = [(key, label) for key, label in field.choices if key in decisions]


class AssignForm(forms.Form):
    reviewer = forms.ModelChoiceField(label=_("Reviewer"), queryset=None)

    def __init__(self, *args, reviewers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = reviewers
        self.fields["reviewer"].label_from_instance = lambda user: user.email


# More applications than an intake ever has: a bound for the counts people type.
MAX_COUNT = 10_000


class ShortlistForm(forms.Form):
    """The applications ticked on the review dashboard."""

    application = IdsField(
        error_messages={
            "required": _("Tick the applications to shortlist."),
            "invalid": _("Tick the applications to shortlist."),
        }
    )


class ShortlistTopForm(forms.Form):
    count = forms.IntegerField(
        label=_("How many (top N)"), required=False, min_value=1, max_value=MAX_COUNT
    )
    threshold = forms.DecimalField(
        label=_("Or every score at least"),
        required=False,
        min_value=0,
        max_value=200,
        decimal_places=2,
    )

    def clean(self):
        data = super().clean()
        if data.get("count") is None and data.get("threshold") is None:
            raise forms.ValidationError(_("Give a number of applications or a minimum score."))
        return data


class HostFitForm(forms.Form):
    """An opinion and its note. The page sends with them the opinion and note it was drawn
    with (hidden ``initial-*`` copies), so the save is refused over a colleague's since."""

    opinion = forms.ChoiceField(label=_("Opinion"), choices=HostFit.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)

    def drawn(self):
        """The opinion and note the page showed, for services.give_host_fit; None when the
        client sent no copies (a script posting the fields alone: saved as before)."""
        names = {name: self[name].html_initial_name for name in ("opinion", "note")}
        if not any(key in self.data for key in names.values()):
            return None
        return {name: self.data.get(key, "") for name, key in names.items()}


class SelectionRunForm(forms.Form):
    """A selection run's parameters; a cap field for each market and sector in play."""

    min_score = forms.DecimalField(
        label=_("Minimum score"), min_value=0, max_value=100, decimal_places=2, initial=0,
        help_text=_("Applicants scoring below it are not offered a place."),
    )  # fmt: skip
    rank_penalty = forms.DecimalField(
        label=_("Points off per step down an applicant's preference list"),
        min_value=0, max_value=100, decimal_places=2, initial=0,
        help_text=_("0: any of an applicant's hosts is as good; 5: its second choice is worth "
                    "5 points less than its first."),
    )  # fmt: skip

    def __init__(self, *args, markets=(), sectors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.markets, self.sectors = list(markets), list(sectors)
        for market in self.markets:
            self.fields[f"market_{market.pk}"] = forms.IntegerField(
                label=_("At most this many offers in %(market)s") % {"market": market},
                required=False, min_value=0, max_value=MAX_COUNT,
            )  # fmt: skip
        for code, label in self.sectors:
            self.fields[f"sector_{code}"] = forms.IntegerField(
                label=_("At most this many offers in %(sector)s") % {"sector": label},
                required=False, min_value=0, max_value=MAX_COUNT,
            )  # fmt: skip

    def parameters(self):
        data = self.cleaned_data

        def caps(prefix, keys):
            return {
                str(key): data[f"{prefix}_{key}"]
                for key in keys
                if data.get(f"{prefix}_{key}") is not None
            }

        return {
            "min_score": data["min_score"],
            "rank_penalty": data["rank_penalty"],
            "market_caps": caps("market", [market.pk for market in self.markets]),
            "sector_caps": caps("sector", [code for code, _label in self.sectors]),
        }


class SlateAdjustForm(forms.Form):
    application = IdField(widget=forms.HiddenInput)
    host = IdField(label=_("Host"), required=False)


class SeatOfferForm(forms.Form):
    """A manager's choice of who a freed seat goes to, among those who may have it."""

    application = forms.TypedChoiceField(label=_("Offer this seat to"), coerce=int)

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].choices = [
            (a.pk, f"{a.company.name} ({a.get_status_display()})") for a in candidates
        ]


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are you declining? (optional, helps the program)"),
        required=False, max_length=2000, widget=Paragraphs(attrs={"rows": 3}),
    )  # fmt: skip
