from django import forms
from django.utils.translation import gettext_lazy as _

from placements.enums import LOGGABLE_KINDS, CancelReason, ChangeKind, EntryKind
from placements.models import LogEntry
from portal.forms import DateInput, Paragraphs, SentOnce
from portal.validators import validate_single_line


class ConfirmForm(forms.Form):
    """Desk and dates for an accepted offer. The window, the maximum stay and the desks per
    day are the service's checks (placements.services.stay_problems), made under the lock."""

    desk = forms.CharField(
        label=_("Desk"), max_length=60, required=False, validators=[validate_single_line]
    )
    starts_on = forms.DateField(label=_("Start"), widget=DateInput())
    ends_on = forms.DateField(label=_("End"), widget=DateInput())


class LogEntryForm(SentOnce, forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("What to log"),
        choices=[(kind.value, kind.label) for kind in EntryKind if kind in LOGGABLE_KINDS],
    )

    class Meta:
        model = LogEntry
        fields = [
            "kind",
            "on",
            "note",
            "staff_only",
            "organisation",
            "country",
            "introduction_kind",
            "hoped_outcome",
            "service",
            "provided_by",
            "hours",
            "mentor",
            "expertise",
            "languages",
        ]
        widgets = {
            "on": DateInput(),
            "note": Paragraphs(attrs={"rows": 3}),
            "hoped_outcome": Paragraphs(attrs={"rows": 2}),
        }
        help_texts = {
            "staff_only": _("The firm does not see it; the program's staff and the host do."),
        }


class CheckInAnswerForm(forms.Form):
    """The firm's answer to a check-in: either part may be left empty, not both (the
    service's check). The page sends with it the answer it was drawn with (hidden copies,
    empty when there was none), so the answer is refused over a colleague's given since."""

    went_well = forms.CharField(
        label=_("What went well"),
        required=False,
        max_length=4000,
        widget=Paragraphs(attrs={"rows": 3}),
    )
    needs = forms.CharField(
        label=_("What you need"),
        required=False,
        max_length=4000,
        widget=Paragraphs(attrs={"rows": 3}),
    )
    # Read as the service compares them, spaces and line breaks aside (a browser sends a
    # copy's line breaks as CR LF).
    drawn_went_well = forms.CharField(required=False, widget=forms.HiddenInput)
    drawn_needs = forms.CharField(required=False, widget=forms.HiddenInput)

    def answer(self):
        return {"went_well": self.cleaned_data["went_well"], "needs": self.cleaned_data["needs"]}

    def drawn(self):
        """The answer the page showed, for services.answer_check_in; None when the client
        sent no copy (a script posting the answer alone: saved as before)."""
        if not any(name in self.data for name in ("drawn_went_well", "drawn_needs")):
            return None
        return {
            "went_well": self.cleaned_data["drawn_went_well"],
            "needs": self.cleaned_data["drawn_needs"],
        }

    def draw_as_saved(self, entry):
        """Drawn again over a colleague's answer (shown on the page now): the copies take
        that answer, so sending again replaces it knowingly; what was typed stays."""
        self.data = self.data.copy()
        self.data["drawn_went_well"], self.data["drawn_needs"] = entry.went_well, entry.needs


class StayDateForm(forms.Form):
    on = forms.DateField(label=_("Date"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=Paragraphs(attrs={"rows": 2})
    )


class CutShortForm(forms.Form):
    on = forms.DateField(label=_("Departure"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=Paragraphs(attrs={"rows": 2})
    )


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why"), choices=CancelReason.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=Paragraphs(attrs={"rows": 2})
    )


class ChangeRequestForm(forms.Form):
    """Move the dates, or cut the stay short (its last day in "new end"). The window, the
    maximum stay and the desks are the service's checks (placements.changes)."""

    kind = forms.ChoiceField(label=_("Change"), choices=ChangeKind.choices)
    starts_on = forms.DateField(
        label=_("New start"),
        required=False,
        widget=DateInput(),
        help_text=_("Moving the dates only; a stay that has begun keeps its start."),
    )
    ends_on = forms.DateField(
        label=_("New end, or the last day of a stay cut short"), widget=DateInput()
    )
    reason = forms.CharField(label=_("Why"), max_length=2000, widget=Paragraphs(attrs={"rows": 3}))


class ApproveChangeForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=2000,
        widget=Paragraphs(attrs={"rows": 2}),
    )


class RefuseChangeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=Paragraphs(attrs={"rows": 2})
    )
