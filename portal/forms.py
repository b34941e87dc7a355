from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext as _
from djmoney.forms.fields import MoneyField


class PortalFormRenderer(TemplatesSetting):
    """Every form in the portal, allauth's included, renders its fields the same way:
    label, help, error text next to the field, and the input."""

    form_template_name = "portal/forms/form.html"
    field_template_name = "portal/forms/field.html"


class LabelledMoneyMixin:
    """Name the amount box and the currency list of each money field for screen readers.

    django-money renders one label for two inputs; each input gets its own accessible name.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widgets = getattr(field.widget, "widgets", None)
            if isinstance(field, MoneyField) and widgets and len(widgets) == 2:
                widgets[0].attrs["aria-label"] = _("%(field)s: amount") % {"field": field.label}
                widgets[1].attrs["aria-label"] = _("%(field)s: currency") % {"field": field.label}
