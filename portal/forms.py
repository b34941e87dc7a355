import secrets

from allauth.account import app_settings as account_settings
from allauth.account import forms as account_forms
from allauth.account.adapter import get_adapter
from allauth.account.utils import filter_users_by_email
from django import forms
from django.conf import settings
from django.forms.renderers import TemplatesSetting
from django.utils.translation import get_language_info, gettext_lazy
from django.utils.translation import gettext as _
from djmoney.forms.fields import MoneyField

from portal.adapters import holds_address


class Paragraphs(forms.Textarea):
    """A text box of several lines, read with its line breaks as one character each.
    Browsers count a line break as one character against a box's ``maxlength`` and send it
    as two (CR LF): read as sent, text the browser allowed would be refused as too long."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n") if isinstance(value, str) else value


class SentOnce(forms.Form):
    """A form that adds a record, drawn with a token of its own (a hidden field): the
    service that adds the record adds it once per token (portal.services.first_sending)."""

    once = forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["once"].initial = secrets.token_hex(16)


class PortalFormRenderer(TemplatesSetting):
    """Every form in the portal, allauth's included, renders its fields the same way:
    label, help, error text next to the field, and the input."""

    form_template_name = "portal/forms/form.html"
    field_template_name = "portal/forms/field.html"


def _no_nan(amount):
    """The amount box's reading, refusing "NaN" and "sNaN" as a number it cannot read: a
    signalling NaN in a refusal's parameters cannot be hashed, and Django's multi-value
    field compares refusals (a TypeError, so a server error, instead of a message)."""
    read = amount.to_python

    def to_python(value):
        if isinstance(value, str) and "nan" in value.strip().lower():
            raise forms.ValidationError(amount.error_messages["invalid"], code="invalid")
        return read(value)

    return to_python


class LabelledMoneyMixin:
    """Name the amount box and the currency list of each money field for screen readers, and
    list the currencies by code.

    django-money renders one label for two inputs; each input gets its own accessible name.
    An amount sent with no currency is refused next to the field.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widgets = getattr(field.widget, "widgets", None)
            if isinstance(field, MoneyField) and widgets and len(widgets) == 2:
                widgets[0].attrs["aria-label"] = _("%(field)s: amount") % {"field": field.label}
                widgets[1].attrs["aria-label"] = _("%(field)s: currency") % {"field": field.label}
                # An amount with no currency is refused ("required"), not a server error
                # (django-money would make Money(amount, "")); no amount at all stays allowed.
                field.fields[1].required = True
                field.fields[0].to_python = _no_nan(field.fields[0])
                # Currencies by their codes, as every amount in the portal is written
                # (django-money's own list names them in English: "Canadian Dollar").
                choices = field.fields[1].choices
                if any(code and label != code for code, label in choices):
                    codes = sorted((code, code or label) for code, label in choices)
                    field.fields[1].choices = widgets[1].choices = codes


class ListFormSet(forms.BaseFormSet):
    """Rows that state a whole list, which the service saves in place of the one saved now.

    A formset skips an extra row that is unchanged from its initial values. Bound, every
    row is compared with a blank row, never with the list saved now: between drawing the
    page and sending it, the page's own autosave (or a colleague) may have saved the rows
    the page still holds as extra ones, and, compared with that list, they would look
    unchanged and be skipped, so the save would empty the list. Unbound, ``initial`` fills
    the page as usual.
    """

    def __init__(self, data=None, files=None, *args, initial=None, **kwargs):
        if data is not None or files is not None:
            initial = None
        super().__init__(data, files, *args, initial=initial, **kwargs)


# The largest id a row can have (BigAutoField). A larger number names no row, and in a query
# it overflows the database's integer: ids from a form are checked against it first.
MAX_ID = 2**63 - 1


def is_row_id(value):
    """Whether ``value`` (as a form sends it) is a number a row's id can be. Checked as text
    first: int() of thousands of digits is refused, or slow."""
    text = str(value).strip()
    return text.isdigit() and len(text) <= len(str(MAX_ID)) and 1 <= int(text) <= MAX_ID


class IdField(forms.IntegerField):
    """The id of a row, as a hidden input or a plain number sends it."""

    def __init__(self, **kwargs):
        super().__init__(min_value=1, max_value=MAX_ID, **kwargs)


class IdsField(forms.Field):
    """Several row ids (ticked checkboxes), each a number a row's id can be."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"invalid": gettext_lazy("Choose from the list.")}

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        ids = []
        for item in value:
            if not is_row_id(item):
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            ids.append(int(str(item).strip()))
        return ids


class RowsField(forms.ModelMultipleChoiceField):
    """Several rows of a list (ticked checkboxes), named by their ids. A value no row's id
    can be is refused as a row not in the list is, before the query it would overflow (a
    server error)."""

    def clean(self, value):
        if self.to_field_name is None and isinstance(value, list | tuple):
            for item in value:
                if item not in self.empty_values and not is_row_id(item):
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": item},
                    )
        return super().clean(value)


# Browsers read and send a date or time input's value in ISO form whatever the page's language:
# a value formatted for French (01/03/2027) would show as empty and be sent back empty.
class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ApiTokenForm(forms.Form):
    """A new API token: its name, last day, rights and scope. The limits (a year at most, a
    scope within the person's roles) are the service's checks (portal.tokens)."""

    name = forms.CharField(
        label=gettext_lazy("Name"), max_length=100, help_text=gettext_lazy("What it is for.")
    )
    expires_on = forms.DateField(
        label=gettext_lazy("Last day"),
        widget=DateInput(),
        help_text=gettext_lazy("At most a year from today."),
    )
    can_write = forms.TypedChoiceField(
        label=gettext_lazy("Rights"),
        choices=[("", gettext_lazy("Read only")), ("1", gettext_lazy("Read and write"))],
        coerce=bool,
        empty_value=False,
        required=False,
        widget=forms.RadioSelect,
    )
    scope = forms.MultipleChoiceField(
        label=gettext_lazy("What it reaches"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy(
            "Public information needs no choice. The token never has more rights than you "
            "have at the time it is used."
        ),
    )

    def __init__(self, *args, scope_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].choices = [
            (str(kind.label).capitalize(), options) for kind, options in scope_choices
        ]


class LanguageForm(forms.Form):
    """The language of a person's pages and of the emails the portal sends them."""

    language = forms.ChoiceField(
        label=gettext_lazy("Language"),
        widget=forms.RadioSelect,
        help_text=gettext_lazy("The portal's pages and the emails it sends you are in it."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Each language in its own words, as the header's switch names it.
        self.fields["language"].choices = [
            (code, get_language_info(code)["name_local"].capitalize())
            for code, _name in settings.LANGUAGES
        ]


def _shown(field, value):
    """A value as a person reads it next to its label: a choice by its label, a list joined,
    nothing as None."""
    if value in (None, ""):
        return None
    if isinstance(value, list):
        return ", ".join(map(str, value))
    choices = dict(getattr(field, "choices", None) or ())
    return choices.get(value, value)


def differences(form, typed, current):
    """(label, typed, saved) of each field of ``typed`` ({name: value}) whose value differs
    from ``current``'s: what a page sent against what a colleague saved since, for a conflict
    to show (the company profile shows what was typed; the outcome report what is saved)."""
    return [
        (form.fields[name].label, _shown(form.fields[name], value),
         _shown(form.fields[name], getattr(current, name)))
        for name, value in typed.items()
        if value != getattr(current, name)
    ]  # fmt: skip


class SignupForm(account_forms.SignupForm):
    """allauth's sign-up, where an address is taken only by an account that holds it
    (portal.adapters.holds_address): another account's unconfirmed claim to it, which anyone
    can make, does not keep its owner from signing up. allauth counted it, and its password
    reset then handed the owner the claimant's account."""

    def validate_unique_email(self, value):
        if not account_settings.UNIQUE_EMAIL or any(
            holds_address(user, value) for user in filter_users_by_email(value)
        ):
            return super().validate_unique_email(value)
        self.account_already_exists = False
        return get_adapter().validate_unique_email(value)


class ResetPasswordForm(account_forms.ResetPasswordForm):
    """allauth's password reset, which reaches only the accounts that hold the address
    (portal.adapters.holds_address), never one that only added it without confirming it."""

    def clean_email(self):
        email = super().clean_email()
        self.users = [user for user in self.users if holds_address(user, email)]
        if not self.users and not account_settings.PREVENT_ENUMERATION:
            raise get_adapter().validation_error("unknown_email")
        return email
