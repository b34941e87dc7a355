"""The money history as it reads: each MoneyEvent's status change, note and values before and
after, in the reader's language.

What the portal says itself is kept as data when the change is recorded (``snapshot``): a sum
as its amount and currency, a day or a moment in ISO 8601, a note as a code of
``MoneyNote`` and its values. It is written here, when the history is read, as the reader's
language writes it ("CA$1,750.00" in English, "1 750,00 $CA" in French). What a person typed
(a reason, an expense's description) reads as typed. Rows recorded before kept finished text
in the writer's language; they read as written.
"""

import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy, pgettext
from djmoney.money import Money

from placements.enums import AwardStatus, ClaimStatus, MoneyNote, TrancheStatus
from portal.rows import labels
from programs.services import money_snapshot

FIELD_LABELS = {
    "amount": gettext_lazy("amount"),
    "approved_total": gettext_lazy("approved"),
    "line": gettext_lazy("expense"),
    "paid_on": gettext_lazy("paid on"),
    "reference": gettext_lazy("payment reference"),
    "submitted_at": gettext_lazy("submitted"),
    "due_since": gettext_lazy("due since"),
}
DAYS = {"paid_on"}
MOMENTS = {"submitted_at", "due_since"}


def snapshot(value):
    """A value as the history keeps it: plain data, not text in the writer's language."""
    if isinstance(value, Money):
        return money_snapshot(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return value


def line_snapshot(sign, line):
    """A claim's expense line added (``+``) or removed (``-``)."""
    return {"sign": sign, "description": line.description, "amount": money_snapshot(line.amount)}


def rows(events):
    """The history for the template: when, who, status from and to, the note, and each
    field's value before and after, all in the reader's language."""
    names = {}
    for enum in (AwardStatus, TrancheStatus, ClaimStatus):
        names.update(labels(enum))
    notes = labels(MoneyNote)
    return [
        {
            "at": event.at,
            "actor": event.actor,
            "from": names.get(event.from_status, ""),
            "to": names.get(event.to_status, ""),
            "note": note_text(event, notes),
            "changes": changes(event),
        }
        for event in events
    ]


def note_text(event, notes=None):
    """The event's note: the portal's own (its code) in the reader's language, then what a
    person typed, as typed."""
    said = []
    if event.note_code:
        sentence = (notes or labels(MoneyNote)).get(event.note_code, event.note_code)
        said.append(sentence % event.note_values if event.note_values else sentence)
    if event.note:
        said.append(event.note)
    return " ".join(said)


def changes(event):
    """[(field, before, after)] of the values the event changed."""
    return [
        (str(FIELD_LABELS.get(field, field)), _value(field, before), _value(field, after))
        for field, (before, after) in event.changes.items()
    ]


def _value(field, value):
    if value in (None, ""):
        return ""
    if isinstance(value, dict) and "description" in value:
        colon = pgettext("between a label and its value", ":")
        return f"{value['sign']} {value['description']}{colon} {_money(value['amount'])}"
    if isinstance(value, dict):
        return _money(value)
    if field in DAYS:
        try:
            return date_format(datetime.date.fromisoformat(value), "DATE_FORMAT")
        except ValueError:
            return value
    if field in MOMENTS:
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            return value
        return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
    return str(value)


def _money(value):
    return str(Money(Decimal(value["amount"]), value["currency"]))
