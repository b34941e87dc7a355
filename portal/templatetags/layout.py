"""The layout's fixed parts, rendered once per kind of page and then reused.

The site's head links and header are the same for every request that shares a language,
a set of navigation sections and a current page. Drawn through the template engine they
cost about a millisecond a page (a dozen URL reversals and translations, the htmx tag),
more than a short page's own content. Each is rendered once per such key, with markers
where the per-request values go (the CSRF token, the current path); every request swaps
in its own.
"""

from collections import namedtuple

from django import template
from django.template.loader import get_template
from django.urls import get_script_prefix, get_urlconf
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from portal.dashboard import nav_sections_for

register = template.Library()

_CSRF = "csrf0token0marker"
_NEXT = "next0path0marker"
_rendered = {}

# What the header asks of the user, small and hashable so that it can be part of the key.
Visitor = namedtuple("Visitor", ["is_authenticated", "is_superuser"])


def _part(name, **context):
    template_obj = get_template(name)
    # The engine's own template object is in the key: an edited template (the development
    # loader reloads it) is drawn afresh.
    key = (template_obj.template, get_language(), get_script_prefix(), get_urlconf(),
           tuple(sorted(context.items())))  # fmt: skip
    html = _rendered.get(key)
    if html is None:
        if len(_rendered) > 1000:
            _rendered.clear()
        html = _rendered[key] = template_obj.render(context)
    return html


@register.simple_tag
def site_head():
    """Icon, style sheet and scripts: the same on every page."""
    return mark_safe(_part("portal/_site_head.html"))  # noqa: S308


@register.simple_tag(takes_context=True)
def site_header(context):
    """Brand, navigation, account links and the language switcher."""
    request = context["request"]
    user = request.user
    match = request.resolver_match
    html = _part(
        "portal/_site_header.html",
        current=match.url_name if match else None,
        user=Visitor(user.is_authenticated, user.is_superuser),
        nav_sections=tuple(nav_sections_for(request)),
        csrf_token=_CSRF,
        next_path=_NEXT,
    )
    return mark_safe(  # noqa: S308
        html.replace(_CSRF, escape(str(context["csrf_token"]))).replace(
            _NEXT, escape(request.get_full_path())
        )
    )
