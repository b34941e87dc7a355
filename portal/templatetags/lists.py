"""The filter bar and the pagination of the long lists, drawn in Python.

Both sit on every list page and hold nothing but a few strings. Every value, and above all
what a visitor typed or chose, is escaped here with html.escape: nothing reaches the page
unescaped because it arrived marked safe.
"""

from html import escape

from django import template
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

register = template.Library()


@register.simple_tag
def filter_bar(fields, *, label, clear_url, csv_query=None):
    """A GET form of portal.filterbar.FilterFields, a link that clears it and, when
    ``csv_query`` is given (the list's other parameters, already encoded), a CSV link.

    The form sits in a <details> named by ``label``, open; on a narrow screen
    static/js/filter-bar.js folds a bar with no filter set, so a phone's first screen shows
    results rather than six fields. Open, the fields are a compact grid (portal.css)."""
    active = sum(1 for field in fields if field.value)
    label = escape(str(label))
    summary = label
    if active:
        count = ngettext("%(n)s filter set", "%(n)s filters set", active) % {"n": active}
        summary = f'{label} <span class="filter-bar__count">({escape(count)})</span>'
    fold = "" if active else " data-fold-narrow"
    parts = [
        f'<details class="filter-bar" open{fold}><summary>{summary}</summary>\n'
        f'<form method="get" role="search" aria-label="{label}">\n'
        '<div class="filter-bar__fields">\n'
    ]
    for field in fields:
        name, field_id = escape(field.name), escape(field.id)
        if field.options:
            options = "".join(
                f'<option value="{escape(str(value))}"{" selected" if selected else ""}>'
                f"{escape(str(text))}</option>"
                for value, text, selected in field.options
            )
            control = f'<select name="{name}" id="{field_id}">{options}</select>'
        else:
            value = escape(str(field.value))
            control = f'<input type="search" name="{name}" id="{field_id}" value="{value}">'
        parts.append(
            f'<div class="field"><label for="{field_id}">{escape(str(field.label))}</label>\n'
            f"{control}\n</div>\n"
        )
    # Translations outside the f-strings, where makemessages finds them.
    submit, clear, download = escape(_("Filter")), escape(_("Clear")), escape(_("Download CSV"))
    parts.append(
        f'<div class="form-actions"><button type="submit" class="button">{submit}</button> '
        f'<a href="{escape(str(clear_url))}">{clear}</a>'
    )
    if csv_query is not None:
        query = f"{escape(str(csv_query))}&amp;" if csv_query else ""
        parts.append(f' · <a href="?{query}format=csv">{download}</a>')
    parts.append("</div>\n</div>\n</form></details>")
    return SafeString("".join(parts))


@register.simple_tag
def pagination(page, query=""):
    """Previous and next links of a Paginator page; ``query`` is the list's other GET
    parameters, already encoded. Nothing when everything fits on one page."""
    if not page.has_other_pages():
        return ""
    prefix = f"?{escape(str(query))}&amp;page=" if query else "?page="
    # Translations outside the f-strings, where makemessages finds them.
    pages, previous, following = escape(_("Pages")), escape(_("Previous")), escape(_("Next"))
    parts = [f'\n<nav class="pagination" aria-label="{pages}">\n  ']
    if page.has_previous():
        parts.append(f'<a href="{prefix}{page.previous_page_number()}">{previous}</a>')
    of = _("Page %(number)s of %(total)s") % {
        "number": page.number,
        "total": page.paginator.num_pages,
    }
    parts.append(f"\n  <span>{escape(of)}</span>\n  ")
    if page.has_next():
        parts.append(f'<a href="{prefix}{page.next_page_number()}">{following}</a>')
    parts.append("\n</nav>\n")
    return SafeString("".join(parts))
