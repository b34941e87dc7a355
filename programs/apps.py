from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs")

    def ready(self):
        from programs import dashboard

        dashboard.register()
        register_token_scopes()


def register_token_scopes():
    """What an API token may be limited to: a partner's hosts, a manager's programs or
    intakes (portal.tokens). Each is the person's objects of that kind at each request."""
    from portal.tokens import ScopeKind, register_scope
    from programs import queries

    def intakes_managed(user):
        return queries.intakes_managed_by(user).select_related("program").order_by("title", "pk")

    kinds = [
        ("host", _("host incubators"), _("All your host incubators"), queries.hosts_acting_for),
        ("program", _("programs"), _("All the programs you manage"), queries.programs_managed_by),
        ("intake", _("intakes"), _("All the intakes you manage"), intakes_managed),
    ]
    for order, (name, label, all_label, objects) in enumerate(kinds):
        register_scope(
            ScopeKind(name=name, label=label, all_label=all_label, objects=objects, order=order)
        )
