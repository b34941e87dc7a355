"""How a recorded intake change reads: each value that changed, before and after, in the
reader's language (labels for codes, sums and dates as it writes them, times in the
intake's zone)."""

import datetime
from decimal import Decimal

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django_countries import countries
from djmoney.money import Money

from portal.dates import moment_text
from programs.enums import DefaultCriterion, IntakeChangeKind, SectorCode
from programs.models import Intake

SECTOR_LISTS = {"sectors", "allowed_sectors"}
COUNTRY_LISTS = {"markets", "allowed_home_countries"}


def differences(change):
    """[(what, before, after)] for each value the change altered."""
    if change.kind == IntakeChangeKind.RUBRIC:
        return [(_("Criteria"), _criteria(change.before), _criteria(change.after))]
    before, after = change.before or {}, change.after or {}
    zone = change.intake.zone
    return [
        (_label(name), _value(name, before.get(name), zone), _value(name, after.get(name), zone))
        for name in [*before, *(name for name in after if name not in before)]
        if before.get(name) != after.get(name)
    ]


def _criteria(rows):
    weight = _("weight")  # outside the f-string, where xgettext reads it
    return "; ".join(
        f"{_criterion_name(row)} ({weight} {row['weight']}, 1–{row['scale']})" for row in rows or []
    )


def _criterion_name(row):
    """A default criterion in the reader's language (its code recorded), else as typed."""
    code = row.get("code")
    return str(DefaultCriterion(code).label) if code in DefaultCriterion else row["name"]


def _label(name):
    try:
        return str(Intake._meta.get_field(name).verbose_name).capitalize()
    except FieldDoesNotExist:
        return name


def _value(name, value, zone):
    if value in (None, "", [], "None"):
        return "—"
    if isinstance(value, dict) and {"amount", "currency"} <= value.keys():
        # A sum (services.money_snapshot), written in the reader's language. Rows recorded
        # before held the sum as text in the writer's language; they read as written.
        return str(Money(Decimal(value["amount"]), value["currency"]))
    if name in SECTOR_LISTS:
        labels = dict(SectorCode.choices)
        return ", ".join(str(labels.get(code, code)) for code in value)
    if name in COUNTRY_LISTS:
        return ", ".join(str(countries.name(code) or code) for code in value)
    try:
        field = Intake._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    if isinstance(field, models.BooleanField):
        return _("yes") if value in (True, "True") else _("no")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.DateTimeField):
        moment = datetime.datetime.fromisoformat(str(value))
        return moment_text(moment, zone.key)
    if isinstance(field, models.DateField):
        return date_format(datetime.date.fromisoformat(str(value)), "DATE_FORMAT")
    return str(value)
