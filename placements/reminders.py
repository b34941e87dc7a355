"""Reminders around a stay, queued by beat (placements.tasks.remind_stays): arrival in seven
days (the firm and the host's partners), check-ins due (the partners) and overdue (the
program's managers), and departures due (the partners).

Each is keyed in the outbox by what it is about and the date it concerns, so running the job
again sends nothing twice, and a stay whose dates move, or a check-in logged, makes the next
reminder a new one. Each person reads it in their own language."""

import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from applications.queries import managers_of
from placements.enums import PlacementStatus
from placements.models import Placement
from placements.queries import CHECK_IN_OVERDUE_AFTER_DAYS
from placements.services import partner_people, stay_people
from portal.links import link_to
from portal.services import queue_email_to_people

P = PlacementStatus
ARRIVAL_NOTICE_DAYS = 7
# A check-in not logged this many days after it fell due is overdue: the managers are told.
OVERDUE_AFTER_DAYS = CHECK_IN_OVERDUE_AFTER_DAYS


def _queue(people, *, key, template, placement, **context):
    with transaction.atomic():
        queue_email_to_people(
            people,
            key=key,
            template=f"placements/email/{template}",
            context={
                "placement": placement,
                "company": placement.company.name,
                "host": placement.host.name,
                "link": link_to("placements:detail", placement.pk),
                **context,
            },
            intake_ref=placement.intake_id,
        )


def remind_arrivals(today):
    """Scheduled stays starting within the week: once, to the firm and the host's partners."""
    arriving = Placement.objects.filter(
        status=P.SCHEDULED,
        starts_on__gt=today,
        starts_on__lte=today + datetime.timedelta(days=ARRIVAL_NOTICE_DAYS),
    ).select_related("company", "host", "intake")
    for placement in arriving:
        _queue(
            stay_people(placement),
            key=f"placement-arrival:{placement.pk}:{placement.starts_on.isoformat()}",
            template="arrival_soon",
            placement=placement,
        )


def remind_check_ins(today):
    """A check-in due (on or after its day, before the stay's planned end): the partners,
    once per due day. Overdue by OVERDUE_AFTER_DAYS: the managers, once per due day. The day
    is kept on the placement (services write it with the arrival and each check-in)."""
    due_now = (
        Placement.objects.filter(status=P.IN_RESIDENCE, check_in_due_on__lte=today)
        .filter(check_in_due_on__lte=F("ends_on"))
        .select_related("company", "host", "intake")
    )
    for placement in due_now:
        due = placement.check_in_due_on
        _queue(
            partner_people(placement),
            key=f"check-in-due:{placement.pk}:{due.isoformat()}",
            template="check_in_due",
            placement=placement,
            due=due,
        )
        if today >= due + datetime.timedelta(days=OVERDUE_AFTER_DAYS):
            _queue(
                list(managers_of(placement.intake).values_list("email", "language")),
                key=f"check-in-overdue:{placement.pk}:{due.isoformat()}",
                template="check_in_overdue",
                placement=placement,
                due=due,
            )


def remind_departures(today):
    """Stays in residence whose planned end has come: the partners, to log the departure."""
    ending = Placement.objects.filter(Q(status=P.IN_RESIDENCE), ends_on__lte=today).select_related(
        "company", "host", "intake"
    )
    for placement in ending:
        _queue(
            partner_people(placement),
            key=f"placement-departure:{placement.pk}:{placement.ends_on.isoformat()}",
            template="departure_due",
            placement=placement,
        )


def remind_stays(today=None):
    today = today or timezone.localdate()
    remind_arrivals(today)
    remind_check_ins(today)
    remind_departures(today)
