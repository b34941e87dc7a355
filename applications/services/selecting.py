"""Writes of the selection stage: runs, the slate, confirmation, decisions and offers.

A run reads the shortlist into a ``selection.Problem``, solves it in a Celery task and keeps
what it read and found (``SlateEntry`` rows), so the slate can be adjusted and checked again
without the live data. Confirming applies every decision in one transaction and holds the
decision emails in the outbox until a manager releases them; releasing opens the offers.
"""

import dataclasses
import datetime
import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.money import Money

from applications import queries, scoring, selection
from applications.enums import (
    ACTIVE_RUN_STATUSES,
    FREED_OFFER_STATUSES,
    HOLDING_OFFER_STATUSES,
    OFFER_TRANSITIONS,
    RUN_TRANSITIONS,
    SEAT_CANDIDATE_STATUSES,
    UNPLACEABLE,
    ApplicationStatus,
    HostFit,
    NotOffered,
    OfferStatus,
    RunStage,
    RunStatus,
)
from applications.models import (
    Application,
    HostFitOpinion,
    HostPreference,
    Offer,
    RunEvent,
    SelectionRun,
    SlateEntry,
)
from applications.services.applying import _applicants, transition_application
from applications.services.reviewing import _lock_intake, _require
from portal.dates import moment_text
from portal.enums import EmailStatus
from portal.links import link_to
from portal.locks import lock_in_order
from portal.models import OutgoingEmail
from portal.services import change_email_status, queue_email_to_people, queue_task, release_batch
from programs.models import DeskOffer, ForeignMarket, HostIncubator, Sector
from programs.services import to_program_currency

__all__ = [
    "why_no_run",
    "start_run",
    "change_run_status",
    "execute_run",
    "read_problem",
    "live_candidates",
    "stored_problem",
    "requeue_stalled_runs",
    "adjust_slate",
    "check_slate",
    "describe_breaks",
    "Decisions",
    "plan_decisions",
    "confirm_slate",
    "release_decisions",
    "close_offer",
    "accept_offer",
    "decline_offer",
    "expire_offers",
    "fill_seat",
    "offer_freed_seat",
]

logger = logging.getLogger(__name__)
S = ApplicationStatus


# Starting and running ---------------------------------------------------------------------


def why_no_run(intake, now=None):
    """What stops a selection run for this intake, in plain words (empty: nothing)."""
    now = now or timezone.now()
    problems = []
    if intake.closes_at > now:
        problems.append(_("Applications are still open; select after the intake closes."))
    if intake.slate_confirmed_at is not None:
        problems.append(_("This intake's slate is already confirmed."))
    problems += open_extension(intake, now)
    if not DeskOffer.objects.filter(intake=intake).exists():
        problems.append(_("This intake has no desks: add the hosts' desk offers first."))
    if intake.stipend_budget.amount <= 0:
        problems.append(_("This intake's stipend budget pool is empty: set a budget first."))
    if not Application.objects.filter(intake=intake, status=S.SHORTLISTED).exists():
        problems.append(_("Nothing is shortlisted yet."))
    return problems


def open_extension(intake, now):
    """[the problem] while a draft of the intake has an extension still running (its firm
    was told it may submit until then), else []: no run starts and no slate is confirmed
    before it has passed."""
    extended = (
        Application.objects.filter(intake=intake, status=S.DRAFT, deadline_override__gt=now)
        .order_by("-deadline_override")
        .values_list("deadline_override", flat=True)
        .first()
    )
    if extended is None:
        return []
    return [
        _("A draft's deadline is extended to %(until)s; select once it has passed.")
        % {"until": moment_text(extended, intake.time_zone)}
    ]


@transaction.atomic
def start_run(intake, *, by, min_score=0, rank_penalty=0, market_caps=None, sector_caps=None):
    """Queue a selection run; refused while another run of the intake is under way."""
    from applications.tasks import run_selection

    _require(by, "programs.change_intake", intake)
    intake = _lock_intake(intake)
    active = intake.selection_runs.filter(status__in=ACTIVE_RUN_STATUSES).first()
    if active is not None:
        raise ValidationError(
            _("Run %(number)s is still under way; wait for it to finish.")
            % {"number": active.number}
        )
    problems = why_no_run(intake)
    if problems:
        raise ValidationError(problems)
    number = intake.selection_runs.aggregate(last=Max("number"))["last"] or 0
    run = SelectionRun.objects.create(
        intake=intake,
        number=number + 1,
        started_by=by,
        min_score=Decimal(min_score),
        rank_penalty=Decimal(rank_penalty),
        market_caps={str(key): int(cap) for key, cap in (market_caps or {}).items()},
        sector_caps={str(key): int(cap) for key, cap in (sector_caps or {}).items()},
    )
    if intake.selection_started_at is None:
        intake.selection_started_at = timezone.now()
        intake.save(update_fields=["selection_started_at"])
    queue_task(run_selection, run_id=run.pk)
    return run


def _report(run, progress, stage, **fields):
    """Progress the manager's page polls: a short transaction of its own. Only a run under
    way is touched: a late report from a duplicate task never overwrites a finished run."""
    SelectionRun.objects.filter(pk=run.pk, status__in=ACTIVE_RUN_STATUSES).update(
        progress=progress, stage=stage, updated_at=timezone.now(), **fields
    )


def change_run_status(run, *, to, by=None, note="", fields=()):
    """The one way a selection run's status changes: ``run`` is a row the caller has locked
    (``select_for_update``) in its transaction; it is checked against RUN_TRANSITIONS, moved
    to ``to`` and saved with the other ``fields`` the caller set, and a RunEvent records who,
    from, to, when and ``note``."""
    if to not in RUN_TRANSITIONS[run.status]:
        raise ValidationError(
            _("A selection run that is %(current)s cannot become %(target)s.")
            % {
                "current": RunStatus(run.status).label.lower(),
                "target": RunStatus(to).label.lower(),
            }
        )
    event = RunEvent(run=run, actor=by, from_status=run.status, to_status=to, note=note)
    run.status = to
    run.updated_at = timezone.now()
    run.save(update_fields=["status", "updated_at", *fields])
    event.save()
    return run


def _lock_run(run):
    return (
        SelectionRun.objects.select_for_update(of=("self",)).select_related("intake").get(pk=run.pk)
    )


def execute_run(run):
    """The Celery task's work: solve, compare with greedy, keep the slate. Runs once: a
    retried or duplicated task finds the run finished and does nothing. A failure is kept
    with its reason and leaves no slate behind (the slate is written in one transaction)."""
    with transaction.atomic():
        run = _lock_run(run)
        if run.is_finished:
            return run
        if run.status == RunStatus.QUEUED:
            run.progress, run.stage = 5, RunStage.READING
            change_run_status(run, to=RunStatus.RUNNING, fields=["progress", "stage"])
    try:
        problem = read_problem(run)
        _report(run, 20, RunStage.SOLVING)
        outcome = selection.solve(problem)
        _report(run, 75, RunStage.BASELINE)
        baseline = selection.greedy(problem)
        _report(run, 90, RunStage.SAVING)
        _keep(run, problem, outcome, baseline)
    except Exception as error:
        logger.exception("Selection run %s failed.", run.pk)
        _fail(run, f"{type(error).__name__}: {error}"[:2000])
    run.refresh_from_db()
    return run


@transaction.atomic
def _fail(run, error):
    run = _lock_run(run)
    if run.is_finished:  # a duplicate task finished it meanwhile
        return
    run.progress, run.stage, run.finished_at, run.error = (
        100,
        RunStage.FAILED,
        timezone.now(),
        error,
    )
    change_run_status(
        run, to=RunStatus.FAILED, note=error, fields=["progress", "stage", "finished_at", "error"]
    )


def read_problem(run):
    """The run's intake as a selection problem: its shortlist, desks, budget and opinions."""
    intake = run.intake
    keys = list(
        Application.objects.filter(intake=intake, status=S.SHORTLISTED)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    candidates, not_a_fit = live_candidates(intake, keys)
    desks, markets = {}, {}
    for host_id, count, market_id in DeskOffer.objects.filter(intake=intake).values_list(
        "host", "desks", "host__market"
    ):
        desks[host_id], markets[host_id] = count, str(market_id)
    return selection.Problem(
        candidates=candidates,
        desks=desks,
        budget=to_program_currency(intake.stipend_budget)[0].amount,
        min_score=run.min_score,
        rank_penalty=run.rank_penalty,
        not_a_fit=not_a_fit,
        host_market=markets,
        market_caps=dict(run.market_caps),
        sector_caps=dict(run.sector_caps),
    )


def live_candidates(intake, keys):
    """Applications ``keys`` of the intake as selection candidates read from the live data
    (merit, stipend, ranked hosts, sector), with their "not a fit" (application, host) pairs."""
    field = scoring.score_field(intake)
    # Requests are in the program's currency (budget lines keep their converted amount);
    # the intake's cap and pool may be in another.
    cap = to_program_currency(intake.stipend_cap)[0].amount
    rows = list(
        Application.objects.filter(pk__in=keys)
        .values_list("pk", f"score_summary__{field}", "company__sector__code", "budget_total")
        .order_by("pk")
    )
    preferences = {}
    for application_id, host_id in (
        HostPreference.objects.filter(application__in=keys)
        .order_by("application", "rank")
        .values_list("application", "host")
    ):
        preferences.setdefault(application_id, []).append(host_id)
    not_a_fit = frozenset(
        HostFitOpinion.objects.filter(application__in=keys, opinion=HostFit.NOT_A_FIT).values_list(
            "application", "host"
        )
    )
    candidates = [
        selection.Candidate(
            key=pk,
            merit=Decimal(merit or 0),
            stipend=min(Decimal(requested or 0), cap),
            preferences=tuple(preferences.get(pk, ())),
            sector=sector or "",
        )
        for pk, merit, sector, requested in rows
    ]
    return candidates, not_a_fit


def stored_problem(run, entries):
    """The problem a finished run solved, rebuilt from what it kept."""
    return selection.Problem(
        candidates=[
            selection.Candidate(
                key=entry.application_id,
                merit=entry.merit,
                stipend=entry.stipend,
                preferences=tuple(entry.preferences),
                sector=entry.sector,
            )
            for entry in entries
        ],
        desks={int(host): count for host, count in run.desks.items()},
        budget=run.budget,
        min_score=run.min_score,
        rank_penalty=run.rank_penalty,
        not_a_fit=frozenset(
            (entry.application_id, host) for entry in entries for host in entry.not_a_fit
        ),
        host_market={int(host): market for host, market in run.host_markets.items()},
        market_caps=dict(run.market_caps),
        sector_caps=dict(run.sector_caps),
    )


@transaction.atomic
def _keep(run, problem, outcome, baseline):
    run = SelectionRun.objects.select_for_update().get(pk=run.pk)
    if run.status != RunStatus.RUNNING:
        return
    waiting = {key: place for place, key in enumerate(outcome.waitlist, start=1)}
    ranked = sorted(problem.candidates, key=lambda c: (-c.merit, c.key))
    SlateEntry.objects.bulk_create(
        SlateEntry(
            run=run,
            application_id=candidate.key,
            position=position,
            merit=candidate.merit,
            stipend=candidate.stipend,
            sector=candidate.sector,
            preferences=list(candidate.preferences),
            not_a_fit=[h for h in candidate.preferences if (candidate.key, h) in problem.not_a_fit],
            proposed_host_id=outcome.offers.get(candidate.key),
            host_id=outcome.offers.get(candidate.key),
            reason=outcome.reasons.get(candidate.key, ""),
            waitlist_position=waiting.get(candidate.key),
        )
        for position, candidate in enumerate(ranked, start=1)
    )
    run.score_field = scoring.score_field(run.intake)
    run.budget = problem.budget
    run.desks = {str(host): count for host, count in problem.desks.items()}
    run.host_markets = {str(host): market for host, market in problem.host_market.items()}
    run.objective, run.gap, run.solve_seconds = outcome.objective, outcome.gap, outcome.seconds
    run.greedy_objective, run.greedy_seconds = baseline.objective, baseline.seconds
    run.stage, run.progress = RunStage.DONE, 100
    run.finished_at = timezone.now()
    run.save()
    change_run_status(run, to=RunStatus.DONE)


def requeue_stalled_runs(older_than=datetime.timedelta(minutes=10)):
    """Beat job: queue again the runs whose task a broker or worker outage lost."""
    from applications.tasks import run_selection

    cutoff = timezone.now() - older_than
    stalled = SelectionRun.objects.filter(status__in=ACTIVE_RUN_STATUSES, updated_at__lte=cutoff)
    for run_id in stalled.values_list("pk", flat=True):
        with transaction.atomic():
            queue_task(run_selection, run_id=run_id)


# Adjusting and checking ---------------------------------------------------------------------


def _lock_open_run(run, by):
    _require(by, "applications.change_selectionrun", run)
    _lock_intake(run.intake)
    run = (
        SelectionRun.objects.select_for_update(of=("self",)).select_related("intake").get(pk=run.pk)
    )
    if run.status != RunStatus.DONE:
        raise ValidationError(_("Only a finished run has a slate."))
    if run.confirmed_at is not None or run.intake.slate_confirmed_at is not None:
        raise ValidationError(_("This intake's slate is already confirmed."))
    return run


@transaction.atomic
def adjust_slate(run, *, by, application_id, host_id=None):
    """Move an applicant to another of the hosts it chose, add it, or drop it (no host).

    The slate may break a constraint while the manager works; confirming checks it."""
    run = _lock_open_run(run, by)
    entries = list(run.entries.select_related("application__company"))
    entry = next((e for e in entries if e.application_id == application_id), None)
    if entry is None:
        raise ValidationError(_("This application is not in the run."))
    if host_id is not None and host_id not in entry.preferences:
        raise ValidationError(
            {"host": _("%(company)s did not ask for that host.")
             % {"company": entry.application.company.name}}
        )  # fmt: skip
    entry.host_id = host_id
    _explain_again(run, entries)
    run.adjusted_at = timezone.now()
    run.save(update_fields=["adjusted_at", "updated_at"])
    return entry


def _explain_again(run, entries):
    offers = {e.application_id: e.host_id for e in entries if e.host_id is not None}
    reasons, waitlist = selection.explain(stored_problem(run, entries), offers)
    waiting = {key: place for place, key in enumerate(waitlist, start=1)}
    for entry in entries:
        reason = reasons.get(entry.application_id, "")
        if entry.host_id is None and entry.proposed_host_id is not None:
            reason = NotOffered.DROPPED
        entry.reason, entry.waitlist_position = reason, waiting.get(entry.application_id)
    SlateEntry.objects.bulk_update(entries, ["host", "reason", "waitlist_position"])


def check_slate(run, entries):
    """Every constraint the run's current slate breaks, each named in plain words."""
    offers = {e.application_id: e.host_id for e in entries if e.host_id is not None}
    found = selection.breaks(stored_problem(run, entries), offers)
    companies = {e.application_id: e.application.company.name for e in entries}
    return describe_breaks(run, found, companies)


def describe_breaks(run, found, companies):
    """``selection.breaks`` findings in plain words; ``companies`` names the applications."""
    if not found:
        return []
    hosts = dict(HostIncubator.objects.filter(pk__in=run.desks).values_list("pk", "name"))
    markets = {
        str(market.pk): str(market)
        for market in ForeignMarket.objects.filter(pk__in=set(run.host_markets.values()))
    }
    sectors = {sector.code: sector.get_code_display() for sector in Sector.objects.all()}
    words = {
        selection.BELOW_MINIMUM: lambda key: _(
            "%(company)s scores below the run's minimum of %(minimum)s."
        ) % {"company": companies[key], "minimum": run.min_score},
        selection.NOT_CHOSEN: lambda key, host: _("%(company)s did not ask for %(host)s.")
        % {"company": companies[key], "host": hosts.get(host, host)},
        selection.NOT_A_FIT: lambda key, host: _("%(host)s said %(company)s is not a fit.")
        % {"company": companies[key], "host": hosts.get(host, host)},
        selection.OVER_DESKS: lambda host, count, desks: _(
            "%(host)s has %(count)s offers for %(desks)s desks."
        ) % {"host": hosts.get(host, host), "count": count, "desks": desks},
        selection.OVER_BUDGET: lambda spent, budget: _(
            "The stipends come to %(spent)s, over the budget of %(budget)s."
        ) % {"spent": _money(spent), "budget": _money(budget)},
        selection.MARKET_CAP: lambda market, count, cap: _(
            "%(market)s has %(count)s offers; the run caps it at %(cap)s."
        ) % {"market": markets.get(market, market), "count": count, "cap": cap},
        selection.SECTOR_CAP: lambda sector, count, cap: _(
            "%(sector)s has %(count)s offers; the run caps it at %(cap)s."
        ) % {"sector": sectors.get(sector, sector), "count": count, "cap": cap},
    }  # fmt: skip
    return [words[kind](*details) for kind, details in found]


def _money(cents):
    return str(Money(Decimal(cents) / 100, settings.PORTAL_CURRENCY))


# Confirming and releasing -------------------------------------------------------------------


@dataclass
class Decisions:
    """What confirming a run's slate decides, for every live application of its intake.

    ``offered`` and ``waitlisted`` are slate entries; ``not_selected`` are applications (the
    slate's unplaceable, then everyone never shortlisted, by name); ``ineligible`` were
    screened out and hear so at release; ``problems`` stop the confirmation."""

    offered: list
    waitlisted: list
    not_selected: list
    ineligible: list
    problems: list


def plan_decisions(run, entries):
    """Who gets which decision (and email) if the run's slate is confirmed now. The
    confirmation page previews it and ``confirm_slate`` applies it, so both agree."""
    offered, waitlisted, not_selected, problems = [], [], [], []
    for entry in entries:
        application = entry.application
        if application.status != S.SHORTLISTED:
            problems.append(
                _("%(company)s is %(status)s now, no longer shortlisted: start a new run.")
                % {"company": application.company.name,
                   "status": S(application.status).label.lower()}
            )  # fmt: skip
        elif entry.host_id is not None:
            offered.append(entry)
        elif entry.reason in UNPLACEABLE:
            not_selected.append(application)
        else:
            waitlisted.append(entry)
    # Everyone else who applied: drafts never applied, withdrawn ones left on their own.
    others = (
        Application.objects.filter(intake=run.intake_id)
        .exclude(status__in=[S.DRAFT, S.WITHDRAWN])
        .exclude(pk__in=[entry.application_id for entry in entries])
        .select_related("company", "intake")
        .order_by("company__name", "pk")
    )
    ineligible = []
    for application in others:
        name = application.company.name
        if application.status == S.IN_REVIEW:
            not_selected.append(application)
        elif application.status == S.INELIGIBLE:
            ineligible.append(application)
        elif application.status in (S.SUBMITTED, S.SCREENING):
            problems.append(
                _("%(company)s waits for screening: decide its eligibility before confirming.")
                % {"company": name}
            )
        elif application.status == S.SHORTLISTED:
            problems.append(
                _("%(company)s was shortlisted after this run: start a new run to include it.")
                % {"company": name}
            )
    waitlisted.sort(key=lambda entry: (entry.waitlist_position or 0, entry.position))
    return Decisions(offered, waitlisted, not_selected, ineligible, problems)


@transaction.atomic
def confirm_slate(run, *, by):
    """Decide every live application of the intake at once: the slate's offers, its
    waitlist, and not selected for the rest (the slate's unplaceable and everyone still in
    review, whose open reviews close with it). Applications screened out hear so too.

    Refused, changing nothing, if the slate breaks a constraint, an applicant has left the
    shortlist since the run, or an application is still undecided (waiting for screening,
    shortlisted after the run); a second confirmation is refused too. The decision emails
    wait in the outbox (``decisions_batch``) for ``release_decisions``."""
    run = _lock_open_run(run, by)
    intake = run.intake
    _lock_applications_of(intake)
    entries = list(
        run.entries.select_related("application__company", "application__intake", "host")
    )
    plan = plan_decisions(run, entries)
    # An extension given after the run: its firm may still submit until then.
    problems = check_slate(run, entries) + plan.problems + open_extension(intake, timezone.now())
    if problems:
        raise ValidationError(problems)
    note = _("Selection run %(number)s, confirmed.") % {"number": run.number}
    recipients = queries.member_recipients(
        {entry.application.company_id for entry in entries}
        | {application.company_id for application in plan.not_selected + plan.ineligible}
    )

    def tell(application, offer=None):
        to = recipients.get(application.company_id, [])
        _tell_decision(application, offer=offer, held=True, to=to)

    for entry in plan.offered:
        application = entry.application
        transition_application(application, to=S.OFFERED, by=by, note=note)
        offer = Offer.objects.create(
            application=application, intake=intake, host=entry.host, run=run,
            stipend=entry.stipend, starts_on=application.proposed_start,
            ends_on=application.proposed_end,
        )  # fmt: skip
        tell(application, offer)
    for entry in plan.waitlisted:
        transition_application(entry.application, to=S.WAITLISTED, by=by, note=note)
        tell(entry.application)
    for application in plan.not_selected:
        # In review, its open reviews close with it: reviews are open only while their
        # application is (REVIEWABLE), so they leave the reviewers' to-do lists.
        transition_application(application, to=S.NOT_SELECTED, by=by, note=note)
        tell(application)
    for application in plan.ineligible:
        tell(application)
    now = timezone.now()
    run.confirmed_at, run.confirmed_by = now, by
    run.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    intake.slate_confirmed_at = now
    intake.save(update_fields=["slate_confirmed_at"])
    return run


def _lock_applications_of(intake):
    """Lock every application of the intake before their statuses are read and decided: a
    submission, withdrawal or screening cannot slip in between the check and the decision."""
    lock_in_order(Application.objects.filter(intake=intake), no_key=False)


def _lock_applications(run):
    """Lock a run's applications before their statuses are read and acted on: a withdrawal
    or a move back to review cannot slip in between the check and the decision."""
    lock_in_order(Application.objects.filter(slate_entries__run=run), no_key=False)


def _tell_decision(application, *, offer=None, held=False, to=None, status=None):
    """The decision email to the company's members (``to``: their (address, language)
    pairs, when the caller has read them already), each in their language. ``status``: the
    decision told, when it is not the application's status now (a held email written again
    at its release)."""
    intake = application.intake
    status = status or application.status
    context = {
        "application": application,
        "company": application.company,
        "intake": intake,
        "status": status,
        # The wording follows the status, named by its enum: no status spelled out by hand.
        "statuses": ApplicationStatus,
        "offer": offer,
        # Written as every amount is, in the reader's language ("3 730,75 $CA").
        "stipend": None if offer is None else Money(offer.stipend, settings.PORTAL_CURRENCY),
        "link": link_to("dashboard"),
    }
    # (Read back by _in_readers_languages: "decision:<application>" or "offer:<offer>", first.)
    key = f"decision:{application.pk}:{status}"
    if offer is not None:
        key = f"offer:{offer.pk}"
    queue_email_to_people(
        _applicants(application) if to is None else to,
        key=key,
        template="applications/email/decision",
        context=context,
        held_in=queries.decisions_batch(intake) if held else "",
        intake_ref=intake.pk,
    )


@transaction.atomic
def release_decisions(intake, *, by, now=None):
    """Send the held decision emails, each once, and open the offers they announce: each has
    the intake's number of days from now to answer. Returns how many emails were released."""
    _require(by, "programs.change_intake", intake)
    intake = _lock_intake(intake)
    now = now or timezone.now()
    _in_readers_languages(intake, by=by)
    # Each held email is now addressed to its readers who are still members of the firm
    # (none: one removed since the confirmation is told nothing), as _in_readers_languages
    # left it: release_batch records one left with nobody as sent to nobody.
    released = release_batch(
        queries.decisions_batch(intake), by=by, recipients=lambda email: email.to
    )
    if released:
        if intake.decisions_released_at is None:
            intake.decisions_released_at = now
            intake.save(update_fields=["decisions_released_at"])
        Offer.objects.filter(intake=intake, status=OfferStatus.OPEN, deadline__isnull=True).update(
            deadline=now + datetime.timedelta(days=intake.offer_response_days)
        )
    return released


def _firms_of_emails(intake):
    """The firm each decision email of the intake is about, by the start of its key
    ("decision:<application>" or "offer:<offer>", as _tell_decision writes it)."""
    firms = {
        f"decision:{pk}": company_id
        for pk, company_id in Application.objects.filter(intake=intake).values_list(
            "pk", "company_id"
        )
    }
    firms |= {
        f"offer:{pk}": company_id
        for pk, company_id in Offer.objects.filter(intake=intake).values_list(
            "pk", "application__company_id"
        )
    }
    return firms


def _firm_key(key):
    return ":".join(key.split(":")[:2])


def _in_readers_languages(intake, *, by):
    """The held decision emails of the intake, each to go in its readers' language as it is
    now, not as it was when the slate was confirmed: for each decision (the emails of one
    key but their language, "<reason>:<language>"), the people it was written to who are
    still members of the firm are grouped by the language they read now. A held email of a
    language still read goes to those readers; a language read now by readers whose email
    was written in another is written for them (held, in the batch, released with it); a
    held email whose readers all read another language now is retired, recorded as sent
    to nobody; one whose readers all left the firm is left addressed to nobody, which
    release_batch records as sent to nobody. Each reader is on one email of each decision,
    and each email is released once, by release_batch."""
    emails = list(
        OutgoingEmail.objects.select_for_update()
        .filter(batch=queries.decisions_batch(intake), status=EmailStatus.HELD)
        .order_by("pk")
    )
    if not emails:
        return
    firms = _firms_of_emails(intake)
    members = queries.member_recipients(set(firms.values()))
    decisions = {}
    for email in emails:
        reason, _sep, language = email.key.rpartition(":")
        decisions.setdefault(reason, {})[language] = email
    kept, retired, to_write = [], [], {}
    for reason, written in decisions.items():
        written_to = {address.lower() for email in written.values() for address in email.to}
        readers = {}
        for address, language in members.get(firms.get(_firm_key(reason)), []):
            if address.lower() in written_to:
                readers.setdefault(language or settings.LANGUAGE_CODE, []).append(address)
        reading = {address.lower() for addresses in readers.values() for address in addresses}
        for language, email in written.items():
            if language in readers:
                email.to = readers.pop(language)
                kept.append(email)
            elif reading & {address.lower() for address in email.to}:
                retired.append(email)
            else:  # nobody it was written to is a member now: released to nobody
                email.to = []
                kept.append(email)
        if readers:
            to_write[reason] = [
                (address, language)
                for language, addresses in readers.items()
                for address in addresses
            ]
    OutgoingEmail.objects.bulk_update(kept, ["to"])
    for email in retired:
        email.to = []
    change_email_status(retired, to=EmailStatus.PENDING, by=by, fields=["to"])
    change_email_status(
        retired,
        to=EmailStatus.SENT,
        by=by,
        note=_(
            "Sent to nobody: its readers chose another language since it was written, and "
            "get the email in theirs."
        ),
    )
    _write_again(to_write)


def _write_again(to_write):
    """The held decision emails ``to_write`` ({reason: [(address, language)]}) written in
    the languages of those readers, from the decision their key names."""
    named = {"offer": set(), "decision": set()}
    for reason in to_write:
        kind, pk = reason.split(":")[:2]
        named[kind].add(int(pk))
    offers = Offer.objects.select_related("application__company", "application__intake", "host")
    offers = offers.in_bulk(named["offer"])
    applications = Application.objects.select_related("company", "intake")
    applications = applications.in_bulk(named["decision"])
    for reason, people in to_write.items():
        kind, pk, *status = reason.split(":")
        if kind == "offer":
            offer = offers[int(pk)]
            _tell_decision(offer.application, offer=offer, held=True, to=people, status=S.OFFERED)
        else:
            _tell_decision(applications[int(pk)], held=True, to=people, status=status[0])


# Offers -------------------------------------------------------------------------------------


def _check_offer_can_become(offer, to):
    if to not in OFFER_TRANSITIONS[offer.status]:
        raise ValidationError(
            _("This offer is already %(status)s.")
            % {"status": OfferStatus(offer.status).label.lower()}
        )


def _lock_answerable_offer(offer, *, to, by, now):
    """The offer, locked, if its owner may answer it ``to`` now: its status first, then
    whether it is open yet and its deadline (checked here, at this moment)."""
    _require(by, "applications.answer_offer", offer)
    offer = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("application__company", "intake")
        .get(pk=offer.pk)
    )
    _check_offer_can_become(offer, to)
    if offer.deadline is None:
        raise ValidationError(_("This offer is not open yet."))
    if now > offer.deadline:
        raise ValidationError(
            _("This offer expired on %(deadline)s.")
            % {"deadline": moment_text(offer.deadline, offer.intake.time_zone)}
        )
    return offer


# What an offer's end means for its application, and the note its event carries.
_OFFER_OUTCOMES = {
    OfferStatus.ACCEPTED: (S.ACCEPTED, gettext_lazy("Offer accepted.")),
    OfferStatus.DECLINED: (S.DECLINED, ""),
    OfferStatus.EXPIRED: (S.NOT_SELECTED, gettext_lazy("The offer expired unanswered.")),
}


def close_offer(offer, *, to, by, now, note=""):
    """The one way an offer's status changes (``offer`` locked by the caller): checked
    against OFFER_TRANSITIONS, and recorded with the application's own transition."""
    _check_offer_can_become(offer, to)
    application_status, default_note = _OFFER_OUTCOMES[to]
    transition_application(
        offer.application, to=application_status, by=by, note=note or str(default_note)
    )
    offer.status = to
    fields = ["status"]
    if by is not None:  # answered by the owner, not expired by the beat job
        offer.answered_at, offer.answered_by = now, by
        fields += ["answered_at", "answered_by"]
    if to == OfferStatus.DECLINED:
        offer.decline_reason = note
        fields.append("decline_reason")
    offer.save(update_fields=fields)
    return offer


@transaction.atomic
def accept_offer(offer, *, by, now=None):
    """The company's owner takes the place, before the deadline (checked here, now)."""
    now = now or timezone.now()
    offer = _lock_answerable_offer(offer, to=OfferStatus.ACCEPTED, by=by, now=now)
    close_offer(offer, to=OfferStatus.ACCEPTED, by=by, now=now)
    _tell_decision(offer.application, offer=None)
    return offer


@transaction.atomic
def decline_offer(offer, *, by, reason="", now=None):
    """The company's owner turns the place down; the seat goes to the waitlist."""
    now = now or timezone.now()
    offer = _lock_answerable_offer(offer, to=OfferStatus.DECLINED, by=by, now=now)
    _lock_for_refilling(offer)
    close_offer(offer, to=OfferStatus.DECLINED, by=by, now=now, note=reason.strip())
    return offer, fill_seat(offer, by=by, now=now)


def expire_offers(now=None):
    """Beat job: close offers left unanswered past their deadline and offer their seats again.
    Each offer is handled in its own transaction, once."""
    now = now or timezone.now()
    due = Offer.objects.filter(status=OfferStatus.OPEN, deadline__lt=now)
    for offer_id in due.values_list("pk", flat=True):
        with transaction.atomic():
            offer = Offer.objects.select_for_update().get(pk=offer_id)
            if offer.status != OfferStatus.OPEN or offer.deadline >= now:
                continue
            _lock_for_refilling(offer)
            close_offer(offer, to=OfferStatus.EXPIRED, by=None, now=now)
            fill_seat(offer, by=None, now=now)


def _seat_problem(run, entries, keys):
    """The run's stored problem, plus live candidates for applications ``keys`` that the run
    did not consider (offered a freed seat by hand, say), so that the offers holding a desk
    can be checked together exactly as an adjusted slate is."""
    problem = stored_problem(run, entries)
    known = {entry.application_id for entry in entries}
    extra = sorted(set(keys) - known)
    if extra:
        candidates, not_a_fit = live_candidates(run.intake, extra)
        problem = dataclasses.replace(
            problem,
            candidates=[*problem.candidates, *candidates],
            not_a_fit=problem.not_a_fit | not_a_fit,
        )
    return problem


def _holding(intake):
    """The intake's offers that hold a desk and a stipend: application id -> host id."""
    return dict(
        Offer.objects.filter(intake=intake, status__in=HOLDING_OFFER_STATUSES).values_list(
            "application", "host"
        )
    )


def _lock_for_refilling(offer):
    """What filling the offer's seat needs locked (fill_seat), locked before the offer
    closes: the intake, then the run's applications. Two offers of an intake declined at
    once then take turns here, before either holds the status counts the other needs."""
    _lock_intake(offer.intake)
    _lock_applications(offer.run)


def fill_seat(freed, *, by, now=None):
    """Offer a freed seat to the best waitlisted applicant of the confirmed run who chose its
    host, was not judged a fit against it, and fits what is left of the budget and the run's
    caps; with a new email and deadline. A seat is offered again at most once. The caller
    holds the locks it needs (_lock_for_refilling), taken before the offer closed."""
    now = now or timezone.now()
    intake = freed.intake
    if Offer.objects.filter(replaces=freed).exists():
        return None
    run = freed.run
    entries = list(
        run.entries.select_related("application__company", "application__intake").order_by(
            "waitlist_position", "position"
        )
    )
    # The same constraint check as an adjusted slate: the offers holding a desk, plus one.
    holding = _holding(intake)
    problem = _seat_problem(run, entries, holding)
    host = freed.host_id
    for entry in entries:
        if (
            entry.application.status != S.WAITLISTED
            or entry.waitlist_position is None
            or selection.breaks(problem, {**holding, entry.application_id: host})
        ):
            continue
        return _offer_seat(freed, entry.application, stipend=entry.stipend, by=by, now=now)
    return None


def _offer_seat(freed, application, *, stipend, by, now):
    intake = freed.intake
    transition_application(
        application, to=S.OFFERED, by=by,
        note=_("A place opened at %(host)s.") % {"host": freed.host.name},
    )  # fmt: skip
    offer = Offer.objects.create(
        application=application, intake=intake, host_id=freed.host_id, run=freed.run,
        replaces=freed, stipend=stipend, starts_on=application.proposed_start,
        ends_on=application.proposed_end,
        deadline=now + datetime.timedelta(days=intake.offer_response_days),
    )  # fmt: skip
    _tell_decision(application, offer=offer)
    return offer


@transaction.atomic
def offer_freed_seat(freed, *, by, application_id, now=None):
    """A manager offers a freed seat that the waitlist could not fill to an applicant of the
    intake who ranked its host: shortlisted, waitlisted or not selected, never offered a
    place. Checked as an adjusted slate is (the run's minimum, "not a fit", desks, budget,
    caps), with a new email and deadline; a seat is offered again at most once."""
    _require(by, "programs.change_intake", freed.intake)
    now = now or timezone.now()
    intake = _lock_intake(freed.intake)
    freed = (
        Offer.objects.select_for_update(of=("self",))
        .select_related("host", "run", "intake")
        .get(pk=freed.pk, intake=intake)
    )
    if freed.status not in FREED_OFFER_STATUSES:
        raise ValidationError(_("This seat is not free: its offer is %(status)s.")
                              % {"status": OfferStatus(freed.status).label.lower()})  # fmt: skip
    taken = Offer.objects.filter(replaces=freed).select_related("application__company").first()
    if taken is not None:
        raise ValidationError(
            _("This seat is already offered to %(company)s.")
            % {"company": taken.application.company.name}
        )
    application = (
        Application.objects.select_for_update(of=("self",))
        .select_related("company", "intake")
        .filter(pk=application_id, intake=intake)
        .first()
    )
    if application is None:
        raise ValidationError(_("Choose an applicant of this intake."))
    name = application.company.name
    if (
        application.status not in SEAT_CANDIDATE_STATUSES
        or Offer.objects.filter(application=application).exists()
    ):
        raise ValidationError(
            _("%(company)s is %(status)s: a freed seat goes to a shortlisted, waitlisted or "
              "not selected applicant that was never offered a place.")
            % {"company": name, "status": S(application.status).label.lower()}
        )  # fmt: skip
    if not HostPreference.objects.filter(application=application, host=freed.host_id).exists():
        raise ValidationError(
            _("%(company)s did not ask for %(host)s.") % {"company": name, "host": freed.host.name}
        )
    run = freed.run
    entries = list(run.entries.select_related("application__company"))
    holding = _holding(intake)
    problem = _seat_problem(run, entries, [*holding, application.pk])
    found = selection.breaks(problem, {**holding, application.pk: freed.host_id})
    if found:
        companies = dict(
            Application.objects.filter(pk__in=[*holding, application.pk]).values_list(
                "pk", "company__name"
            )
        )
        raise ValidationError(describe_breaks(run, found, companies))
    stipend = next(c.stipend for c in problem.candidates if c.key == application.pk)
    return _offer_seat(freed, application, stipend=stipend, by=by, now=now)
