from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from djmoney.forms.fields import MoneyField

from outcomes.enums import (
    USEFULNESS_SCALE,
    Attribution,
    Basis,
    Dimension,
    EntryType,
    OpportunityKind,
    ReportStatus,
    Stage,
)
from portal.forms import DateInput, LabelledMoneyMixin, Paragraphs, SentOnce
from portal.validators import validate_single_line


def money(label, required=False):
    return MoneyField(
        label=label,
        required=required,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        default_currency=settings.PORTAL_CURRENCY,
        currency_choices=[(code, code) for code in settings.CURRENCIES],
    )


def scale(label):
    return forms.TypedChoiceField(
        label=label,
        choices=[("", _("— not rated —")), *USEFULNESS_SCALE],
        coerce=int,
        empty_value=None,
        required=False,
    )


MOST_EMPLOYEES = 10_000_000


class ReportForm(LabelledMoneyMixin, forms.Form):
    """The parts of a report that save as they go; ``version`` and ``editor`` as in the
    application's steps (services.ReportConflict)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)
    editor = forms.CharField(widget=forms.HiddenInput, max_length=32, required=False)
    revenue_from_market = money(_("Revenue from the market"))
    total_revenue = money(_("Total revenue"))
    # Bounded as a firm's employees are (applications.Company): a larger number would not fit
    # its column (a server error), and no firm is that big.
    employees_home = forms.IntegerField(
        label=_("Employees at home"), min_value=0, max_value=MOST_EMPLOYEES, required=False
    )
    employees_abroad = forms.IntegerField(
        label=_("Employees abroad"), min_value=0, max_value=MOST_EMPLOYEES, required=False
    )
    investment = money(_("Follow-on investment raised since the stay"))
    narrative = forms.CharField(
        label=_("What happened, in a few lines"), widget=Paragraphs, required=False
    )
    useful_host = scale(_("How useful was the host?"))
    useful_mentors = scale(_("How useful were the mentors?"))
    useful_services = scale(_("How useful were the services?"))
    useful_stipend = scale(_("How useful was the stipend?"))
    answer = forms.CharField(
        label=_("Your answer to the program's question"), widget=Paragraphs, required=False
    )

    def __init__(self, *args, asked=False, **kwargs):
        super().__init__(*args, **kwargs)
        if not asked:
            del self.fields["answer"]


class OpportunityForm(LabelledMoneyMixin, SentOnce):
    organisation = forms.CharField(
        label=_("Counterpart"), max_length=200, validators=[validate_single_line]
    )
    country = CountryField().formfield(label=_("Country"))
    kind = forms.ChoiceField(label=_("Kind"), choices=OpportunityKind.choices)
    value = money(_("Value"), required=True)
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    identified_on = forms.DateField(label=_("Identified on"), widget=DateInput())
    expected_on = forms.DateField(label=_("Expected to close"), widget=DateInput(), required=False)
    closed_on = forms.DateField(label=_("Won or lost on"), widget=DateInput(), required=False)
    attribution = forms.ChoiceField(
        label=_("What the stay had to do with it"), choices=Attribution.choices
    )


class OpportunityUpdateForm(OpportunityForm):
    """The update of one of the firm's open opportunities, drawn under it on the report page:
    its stage, value (amount and currency: an introduction the firm confirmed starts at CA$0,
    its value may be in any currency) and the day it was won or lost, the rest sent as it is
    (hidden). Bound, a refused update is drawn again in its own form, as typed."""

    KEPT_AS_IT_IS = ["organisation", "country", "kind", "identified_on", "expected_on",
                     "attribution"]  # fmt: skip
    field_order = ["stage", "value", "closed_on"]

    def __init__(self, *args, opportunity, **kwargs):
        self.opportunity = opportunity
        # Its own ids: the page draws one per open opportunity, and the form that adds one.
        kwargs.setdefault("auto_id", f"id_opportunity_{opportunity.pk}_%s")
        names = [name for name in self.base_fields if name != "once"]
        kwargs.setdefault("initial", {name: getattr(opportunity, name) for name in names})
        super().__init__(*args, **kwargs)
        # An update adds no record: no token (portal.services.first_sending).
        del self.fields["once"]
        for name in self.KEPT_AS_IT_IS:
            self.fields[name].widget = forms.HiddenInput()

    def hidden_errors(self):
        """(label, error) of the fields sent as they are, which have no place of their own to
        show an error."""
        return [(field.label, error) for field in self.hidden_fields() for error in field.errors]


class MarketEntryForm(forms.Form):
    country = CountryField().formfield(label=_("Market"))
    kind = forms.ChoiceField(label=_("What"), choices=EntryType.choices)
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        # Its own ids: the opportunity form on the same page has a country and a kind too,
        # and a label must name its own box.
        kwargs.setdefault("auto_id", "id_entry_%s")
        super().__init__(*args, **kwargs)


class VerifyForm(forms.Form):
    action = forms.ChoiceField(
        choices=[("verify", _("Verify")), ("ask", _("Ask a question")), ("reject", _("Reject"))]
    )
    text = forms.CharField(
        label=_("Question for the firm, or reason"), widget=Paragraphs, required=False
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=Paragraphs)


class DueDateForm(forms.Form):
    due_on = forms.DateField(label=_("New due date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ReportFilterForm(forms.Form):
    """The manager's filters; a bad value is ignored, as on the other lists."""

    intake = forms.TypedChoiceField(label=_("Intake"), coerce=int, required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *ReportStatus.choices]
    )
    due = forms.ChoiceField(
        label=_("Due"),
        required=False,
        choices=[
            ("", _("Any time")),
            ("overdue", _("Overdue")),
            ("flagged", _("Overdue past the grace period")),
            ("next-30", _("Due in the next 30 days")),
        ],
    )

    def __init__(self, *args, intakes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake"].choices = [("", _("All intakes")), *intakes]


class FiguresForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Break down by"), required=False, choices=[("", _("Nothing")), *Dimension.choices]
    )
    basis = forms.ChoiceField(label=_("Values"), required=False, choices=Basis.choices)
    # A choice, not a checkbox: the page draws the form as the lists' filter bar.
    compare = forms.ChoiceField(
        label=_("Show the other values beside"),
        required=False,
        choices=[
            ("", pgettext_lazy("show beside", "No")),
            ("on", pgettext_lazy("show beside", "Yes")),
        ],
    )
    intake = forms.TypedChoiceField(label=_("Intake"), coerce=int, required=False)
    # A year the database can hold (a mistyped 20245 is refused, not a server error).
    year = forms.IntegerField(
        label=_("Year the stay ended"), required=False, min_value=2000, max_value=9999
    )

    def __init__(self, *args, intakes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake"].choices = [("", _("All intakes")), *intakes]


class ProgramCostForm(LabelledMoneyMixin, forms.Form):
    """A cost of an intake that no payment record holds (events, staff time, travel ...)."""

    intake = forms.TypedChoiceField(label=_("Intake"), coerce=int)
    description = forms.CharField(
        label=_("Description"), max_length=200, validators=[validate_single_line]
    )
    amount = money(_("Amount"), required=True)
    on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args, intakes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["intake"].choices = intakes
