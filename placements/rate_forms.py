"""Forms of the exchange rates page: the filter, a rate by hand, a bank's file."""

from decimal import Decimal

import moneyed
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from placements.rate_imports import MAX_FILE_BYTES
from portal.validators import validate_single_line

CODE = RegexValidator(r"^[A-Z]{3}$", _("Use the three-letter ISO code, e.g. BRL."))
# Beyond these a typed rate is a slip (a rate of 1e9 or 1e-9 between real currencies).
LOWEST_RATE, HIGHEST_RATE = Decimal("0.0000001"), Decimal("100000000")


def _currency(value):
    value = value.strip().upper()
    CODE(value)
    try:
        moneyed.get_currency(value)
    except moneyed.CurrencyDoesNotExist:
        raise ValidationError(_("%(code)s is not a currency.") % {"code": value}) from None
    return value


class RateFilter(forms.Form):
    currency = forms.CharField(label=_("Currency"), required=False, max_length=3)

    def clean_currency(self):
        value = self.cleaned_data["currency"]
        return _currency(value) if value.strip() else ""


class RateForm(forms.Form):
    """A rate typed by a person: the fields of ExchangeRate; placements.rates.record_rate
    fills in the source when none is named and refuses a duplicate."""

    base = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("One unit of this currency…")
    )
    quote = forms.CharField(
        label=_("In currency"), max_length=3, help_text=_("…is worth the rate in this currency.")
    )
    on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    rate = forms.DecimalField(label=_("Rate"), max_digits=24, decimal_places=10)
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        required=False,
        validators=[validate_single_line],
        help_text=_(
            "Where the rate comes from, e.g. Central Bank of the UAE. Left empty, it "
            "reads “entered by” and your name."
        ),
    )

    def clean_base(self):
        return _currency(self.cleaned_data["base"])

    def clean_quote(self):
        return _currency(self.cleaned_data["quote"])

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on > timezone.localdate():
            raise ValidationError(_("A rate cannot be dated after today."))
        return on

    def clean_rate(self):
        rate = self.cleaned_data["rate"]
        if not LOWEST_RATE <= rate <= HIGHEST_RATE:
            raise ValidationError(
                _("A rate lies between %(low)s and %(high)s.")
                % {"low": LOWEST_RATE, "high": f"{HIGHEST_RATE:,}"}
            )
        return rate

    def clean(self):
        data = super().clean()
        if data.get("base") and data.get("base") == data.get("quote"):
            self.add_error("quote", _("Choose a currency other than the first one."))
        return data


class RateFileForm(forms.Form):
    file = forms.FileField(
        label=_("Rates file (CSV or ZIP)"),
        help_text=_(
            "The Bank of Canada's daily exchange rates CSV or the European Central Bank's "
            "reference rates CSV (eurofxref-hist.csv or eurofxref.csv), or the ZIP the "
            "European Central Bank publishes it in."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_BYTES:
            raise ValidationError(
                _("The file is larger than %(size)s MB; a rates file is far smaller.")
                % {"size": MAX_FILE_BYTES // (1024 * 1024)}
            )
        return upload
