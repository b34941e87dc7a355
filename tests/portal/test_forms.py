from django import forms

from portal.forms import ListFormSet


class LineForm(forms.Form):
    name = forms.CharField(required=False)


LineFormSet = forms.formset_factory(LineForm, formset=ListFormSet, extra=2)


def sent(*names):
    """A page drawn with no rows saved (two extra rows), sent with these names typed."""
    data = {"form-TOTAL_FORMS": "2", "form-INITIAL_FORMS": "0"}
    for index, name in enumerate(names):
        data[f"form-{index}-name"] = name
    return data


def test_a_row_sent_is_read_even_when_the_same_row_is_saved_since_the_page_was_drawn():
    # The page's autosave saved "Flights" after the page was drawn; the next save sends it
    # again in what the page still holds as an extra row.
    formset = LineFormSet(sent("Flights"), initial=[{"name": "Flights"}])
    assert formset.is_valid()
    assert [form.cleaned_data for form in formset.forms] == [{"name": "Flights"}, {}]


def test_an_unbound_list_formset_shows_the_saved_rows():
    formset = LineFormSet(initial=[{"name": "Flights"}])
    assert [form.initial for form in formset.forms] == [{"name": "Flights"}, {}, {}]
