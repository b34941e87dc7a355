import pytest
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


@pytest.mark.django_db
def test_a_form_token_adds_once_and_is_forgotten_after_a_month(settings):
    """first_sending: True the first time, False again; no token (the API): always True.
    The beat job forgets tokens over a month old, and no sooner."""
    import datetime

    from django.utils import timezone

    from portal import services
    from portal.forms import SentOnce
    from portal.models import SentForm

    token = SentOnce().fields["once"].initial
    assert len(token) == 32 and token != SentOnce().fields["once"].initial
    assert (services.first_sending(token), services.first_sending(token)) == (True, False)
    assert services.first_sending("") and services.first_sending("")
    now = timezone.now()
    assert services.forget_sent_forms(now=now + datetime.timedelta(days=29)) == 0
    assert services.forget_sent_forms(now=now + datetime.timedelta(days=31)) == 1
    assert not SentForm.objects.exists()
    assert settings.CELERY_BEAT_SCHEDULE["forget-sent-forms"]["task"] == "portal.forget_sent_forms"


def test_a_text_box_reads_a_line_break_as_one_character():
    from portal.forms import Paragraphs

    box = Paragraphs()
    assert box.value_from_datadict({"note": "one\r\ntwo\r\n"}, {}, "note") == "one\ntwo\n"
    assert box.value_from_datadict({}, {}, "note") is None
