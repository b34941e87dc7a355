"""What pages show that is not a query: an application as its applicant may read it, two
selection runs side by side, the desks a slate uses."""

from django.db.models import (
    Prefetch,
)
from django.utils.translation import gettext as _

from applications.enums import (
    APPLICANT_WORDS,
    HELD_DECISIONS,
    ApplicationStatus,
)
from applications.models import (
    ApplicationEvent,
)
from applications.queries.applying import applications_of
from applications.queries.selecting import slate_of
from applications.rules import applicant_next_step, decisions_held, is_decision_released
from programs.models import HostIncubator

__all__ = [
    "applicant_dashboard",
    "for_the_applicant",
    "compare_runs",
    "desk_use",
]


# What the applicant's dashboard reads of each application (for_the_applicant and
# templates/applications/dashboard/applicant.html): its row and those it joins have many
# more columns, which the page would select, convert and set on every instance.
DASHBOARD_FIELDS = [
    "status", "deadline_override", "created_at", "company__name", "intake__title",
    "intake__time_zone", "intake__closes_at", "intake__slate_confirmed_at",
    "intake__decisions_released_at", "offer__deadline", "offer__host__name",
]  # fmt: skip
EVENT_FIELDS = ["application", "at", "from_status", "to_status", "applicant_note"]


def applicant_dashboard(user):
    """The person's companies' applications, newest first, as for_the_applicant() shows
    them: two queries, whatever their number."""
    applications = (
        applications_of(user)
        .only(*DASHBOARD_FIELDS)
        .prefetch_related(
            Prefetch(
                "events",
                queryset=ApplicationEvent.objects.order_by("at", "pk").only(*EVENT_FIELDS),
            )
        )
    )
    return [
        for_the_applicant(application, list(application.events.all()))
        for application in applications
    ]


def for_the_applicant(application, events=None):
    """What the applicant may read of an application: its status and history in plain words,
    never staff notes or names; a decision waits until its email is released. Sets
    ``applicant_status`` (the status code the applicant sees), ``shown_status`` (its label)
    and ``timeline`` [(when, words)] from ``events`` (in order),
    or else from the application's prefetched events."""
    held = decisions_held(application.intake)
    events = list(application.events.all() if events is None else events)
    status = application.status
    if not is_decision_released(None, application):
        # The status it had before the decision: shortlisted, or in review for one never
        # shortlisted (confirming a slate decides those too).
        status = next(
            (e.from_status for e in events if e.to_status in HELD_DECISIONS and e.from_status),
            ApplicationStatus.SHORTLISTED,
        )
    application.applicant_status = status
    application.next_step = applicant_next_step(status)
    application.shown_status = ApplicationStatus(status).label
    application.timeline = [
        (
            event.at,
            APPLICANT_WORDS[event.to_status]
            if event.to_status
            else _("Message from the program: %(message)s") % {"message": event.applicant_note},
        )
        for event in events
        if not (held and event.to_status in HELD_DECISIONS)
        and (event.to_status or event.applicant_note)  # staff notes stay with staff
    ]
    return application


def compare_runs(first, second):
    """Every application either run considered, with its host (or reason) in each, best merit
    first, the ones placed differently marked."""
    rows = {}
    for side, run in enumerate([first, second]):
        for entry in slate_of(run):
            row = rows.setdefault(
                entry.application_id,
                {"company": entry.application.company.name, "merit": entry.merit,
                 "application_id": entry.application_id, "entries": [None, None]},
            )  # fmt: skip
            row["entries"][side] = entry
    for row in rows.values():
        hosts = {e.host_id if e else "absent" for e in row["entries"]}
        row["differs"] = len(hosts) > 1
    return sorted(rows.values(), key=lambda row: (not row["differs"], -row["merit"]))


def desk_use(run, entries):
    """(host, desks, offered in the slate) for each host of the run, by name."""
    used = {}
    for entry in entries:
        if entry.host_id is not None:
            used[entry.host_id] = used.get(entry.host_id, 0) + 1
    hosts = HostIncubator.objects.filter(pk__in=[int(pk) for pk in run.desks]).order_by("name")
    return [(host, run.desks[str(host.pk)], used.get(host.pk, 0)) for host in hosts]
