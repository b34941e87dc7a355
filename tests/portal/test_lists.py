"""The filter bar and pagination tags: the markup of the list pages, every value escaped."""

from django.core.paginator import Paginator
from django.utils import translation

from portal.filterbar import FilterField
from portal.templatetags.lists import filter_bar, pagination


def test_pagination_links_keep_the_lists_other_parameters_escaped():
    page = Paginator(range(120), 50).get_page(2)
    html = pagination(page, "q=a%26b&sector=<it>")
    assert html == (
        '\n<nav class="pagination" aria-label="Pages">\n'
        '  <a href="?q=a%26b&amp;sector=&lt;it&gt;&amp;page=1">Previous</a>\n'
        "  <span>Page 2 of 3</span>\n"
        '  <a href="?q=a%26b&amp;sector=&lt;it&gt;&amp;page=3">Next</a>\n'
        "</nav>\n"
    )
    assert pagination(Paginator(range(3), 50).get_page(1), "") == ""
    with translation.override("fr"):
        french = pagination(Paginator(range(120), 50).get_page(2))
    assert "Page 2 sur 3" in french
    assert ">Précédent</a>" in french
    assert ">Suivant</a>" in french


def test_the_filter_bar_escapes_what_a_visitor_typed():
    fields = [
        FilterField("q", "id_q", "Company", '"><script>x</script>', ""),
        FilterField("status", "id_status", "Status", "", (("", "Any", False),)),
    ]
    html = filter_bar(fields, label="Filter applications", clear_url="/list/", csv_query="a=1")
    assert 'value="&quot;&gt;&lt;script&gt;x&lt;/script&gt;"' in html
    assert '<select name="status" id="id_status"><option value="">Any</option></select>' in html
    assert '<a href="?a=1&amp;format=csv">Download CSV</a>' in html
    assert "format=csv" not in filter_bar(fields, label="Hosts", clear_url="/hosts/")
    with translation.override("fr"):
        french = filter_bar(fields, label="Filtrer", clear_url="/list/", csv_query="")
    assert ">Filtrer</button>" in french
    assert ">Effacer</a>" in french
    assert ">Télécharger en CSV</a>" in french


def test_the_filter_bar_escapes_option_labels_and_values_even_marked_safe():
    from django.utils.safestring import mark_safe

    typed = mark_safe('<img src=x onerror="alert(1)">')  # noqa: S308 - the attack under test
    fields = [
        FilterField("host", "id_host", mark_safe("<b>Host</b>"), "", (('1"', typed, False),)),  # noqa: S308
        FilterField("q", "id_q", "Company", typed),
    ]
    html = filter_bar(fields, label=typed, clear_url=typed, csv_query=typed)
    assert "<img" not in html
    assert "<b>" not in html
    assert (
        '<select name="host" id="id_host"><option value="1&quot;">'
        "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;</option></select>"
    ) in html
    assert 'value="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"' in html
    page = Paginator(range(120), 50).get_page(2)
    assert "<img" not in pagination(page, typed)
