"""Forms of the money pages: they validate input; the views pass cleaned_data on to
placements.stipends."""

from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from djmoney.forms.fields import MoneyField
from djmoney.money import Money

from placements.enums import ExpenseCategory, TrancheCondition
from portal.forms import DateInput, LabelledMoneyMixin, Paragraphs, SentOnce
from portal.validators import validate_single_line

AMOUNT = {"max_digits": 14, "decimal_places": 2}


class _WrittenBound:
    """A bound whose refusal writes it as the reader's language writes numbers ("0,01" in
    French): Django's own puts in the number as Python writes it ("0.01")."""

    def __call__(self, value):
        cleaned = self.clean(value)
        if self.compare(cleaned, self.limit_value):
            params = {"limit_value": number_format(self.limit_value), "show_value": cleaned,
                      "value": value}  # fmt: skip
            raise ValidationError(self.message, code=self.code, params=params)


class AtLeast(_WrittenBound, MinValueValidator):
    pass


class AtMost(_WrittenBound, MaxValueValidator):
    pass


WRITTEN = {MinValueValidator: AtLeast, MaxValueValidator: AtMost}


def write_bounds(fields):
    """The bounds of these fields (and of a money field's amount) written in the reader's
    language when a value is refused."""
    for field in fields:
        for part in [field, *getattr(field, "fields", ())]:
            part.validators = [
                WRITTEN[type(check)](check.limit_value, check.message)
                if type(check) in WRITTEN
                else check
                for check in part.validators
            ]


class AmountForm(forms.Form):
    """An amount in the program's currency (``currency`` given by the view)."""

    amount = forms.DecimalField(label=_("Amount"), min_value=0, **AMOUNT)

    def __init__(self, *args, currency, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.fields["amount"].help_text = _("In %(currency)s.") % {"currency": currency}
        write_bounds(self.fields.values())

    def money(self):
        return Money(self.cleaned_data["amount"], self.currency)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=Paragraphs(attrs={"rows": 2}))


class ReduceForm(AmountForm, ReasonForm):
    pass


class PaymentForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=DateInput())
    reference = forms.CharField(
        label=_("Payment reference"), max_length=100, validators=[validate_single_line]
    )


class ClaimLineForm(LabelledMoneyMixin, SentOnce):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    category = forms.ChoiceField(label=_("Category"), choices=ExpenseCategory.choices)
    description = forms.CharField(
        label=_("Description"), max_length=200, validators=[validate_single_line]
    )
    amount = MoneyField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        **AMOUNT,
        default_currency=settings.PORTAL_CURRENCY,
        currency_choices=[(code, code) for code in settings.CURRENCIES],
    )
    receipt = forms.FileField(
        label=_("Receipt"),
        help_text=_("PDF, PNG or JPEG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    outside_reason = forms.CharField(
        label=_("If the date is outside the stay, why it belongs here"),
        required=False,
        widget=Paragraphs(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        write_bounds(self.fields.values())


class ApprovalForm(forms.Form):
    """The manager's decision on a submitted claim: an approved amount (and a note) for each
    line, the claimed amount by default."""

    note = forms.CharField(
        label=_("Note or reason"), required=False, widget=Paragraphs(attrs={"rows": 2})
    )

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            self.fields[f"approved_{line.pk}"] = forms.DecimalField(
                label=_("Approved (%(currency)s)") % {"currency": line.converted.currency},
                min_value=0,
                # Named by its line and written in the reader's language (Django's says
                # "less than or equal to 956.29", which line it does not say). The message
                # is formatted again with the refusal's values: a "%" the firm typed in the
                # description ("50% off") is doubled, or it broke that (a server error).
                validators=[
                    MaxValueValidator(
                        line.converted.amount,
                        message=(
                            _("%(description)s: at most %(max)s can be approved.")
                            % {"description": line.description, "max": line.converted}
                        ).replace("%", "%%"),
                    )
                ],
                # A line approved before the claim was sent back keeps its amount, a line
                # refused at 0 included (0 is no amount to fall back from).
                initial=(line.converted if line.approved is None else line.approved).amount,
                **AMOUNT,
            )
            self.fields[f"note_{line.pk}"] = forms.CharField(
                label=_("Note on this line"), required=False, max_length=500
            )
        write_bounds(self.fields.values())

    def rows(self):
        """(line, approved field, note field) for the template's loop."""
        return [(line, self[f"approved_{line.pk}"], self[f"note_{line.pk}"]) for line in self.lines]

    def approved(self):
        return {
            line.pk: Money(self.cleaned_data[f"approved_{line.pk}"], line.converted.currency)
            for line in self.lines
        }

    def mistyped(self):
        """The amount fields typed but refused (one left blank is no amount, which sending
        a claim back allows)."""
        return [
            name
            for name in self.errors
            if name.startswith("approved_") and self.data.get(self.add_prefix(name), "").strip()
        ]

    def approved_given(self):
        """{line id: Money} of the amounts typed and valid, for a claim sent back."""
        found = getattr(self, "cleaned_data", {})
        return {
            line.pk: Money(found[f"approved_{line.pk}"], line.converted.currency)
            for line in self.lines
            if found.get(f"approved_{line.pk}") is not None
        }

    def notes(self):
        return {
            line.pk: self.cleaned_data[f"note_{line.pk}"]
            for line in self.lines
            if self.cleaned_data.get(f"note_{line.pk}")
        }


class StipendTermForm(forms.Form):
    label = forms.CharField(
        label=_("Tranche"), max_length=100, required=False, validators=[validate_single_line]
    )
    share = forms.DecimalField(
        label=_("Share (%)"), min_value=0, max_value=100, max_digits=5, decimal_places=2,
        required=False,
    )  # fmt: skip
    condition = forms.ChoiceField(
        label=_("Due"), choices=[("", "—"), *TrancheCondition.choices], required=False
    )

    def clean(self):
        found = super().clean()
        # A row named is a tranche: its share is said next to it (the service refuses it too).
        if found.get("label") and found.get("share") is None and "share" not in self.errors:
            self.add_error("share", _("Give each tranche its share."))
        return found


class BaseScheduleFormSet(forms.BaseFormSet):
    def terms(self):
        return [
            (form.cleaned_data["label"], form.cleaned_data["share"], form.cleaned_data["condition"])
            for form in self.forms
            if form.cleaned_data.get("label") or form.cleaned_data.get("share")
        ]


ScheduleFormSet = forms.formset_factory(
    StipendTermForm, formset=BaseScheduleFormSet, extra=0, min_num=4, max_num=4
)
