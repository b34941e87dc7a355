from django.forms.renderers import TemplatesSetting


class PortalFormRenderer(TemplatesSetting):
    """Every form in the portal, allauth's included, renders its fields the same way:
    label, help, error text next to the field, and the input."""

    form_template_name = "portal/forms/form.html"
    field_template_name = "portal/forms/field.html"
