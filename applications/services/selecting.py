"""Writes of the selection stage: runs, the slate, confirmation, decisions and offers.

A run reads the shortlist into a ``selection.Problem``, solves it in a Celery task and keeps
what it read and found (``SlateEntry`` rows), so the slate can be adjusted and checked again
without the live data. Confirming applies every decision in one transaction and holds the
decision emails in the outbox until a manager releases them; releasing opens the offers.
"""

import datetime
import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import queries, scoring, selection
from applications.enums import (
    ACTIVE_RUN_STATUSES,
    HOLDING_OFFER_STATUSES,
    OFFER_TRANSITIONS,
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
    SelectionRun,
    SlateEntry,
)
from applications.services.applying import _applicants, transition
from applications.services.reviewing import _link, _lock_intake, _require
from portal.dates import moment_text
from portal.services import queue_email_to_people, queue_task, release_batch
from programs.models import DeskOffer, ForeignMarket, HostIncubator, Sector
from programs.services import to_program_currency

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
    if not DeskOffer.objects.filter(intake=intake).exists():
        problems.append(_("This intake has no desks: add the hosts' desk offers first."))
    if intake.stipend_budget.amount <= 0:
        problems.append(_("This intake's stipend budget pool is empty: set a budget first."))
    if not Application.objects.filter(intake=intake, status=S.SHORTLISTED).exists():
        problems.append(_("Nothing is shortlisted yet."))
    return problems


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


def execute_run(run):
    """The Celery task's work: solve, compare with greedy, keep the slate. Runs once: a
    retried or duplicated task finds the run finished and does nothing. A failure is kept
    with its reason and leaves no slate behind (the slate is written in one transaction)."""
    with transaction.atomic():
        run = (
            SelectionRun.objects.select_for_update(of=("self",))
            .select_related("intake")
            .get(pk=run.pk)
        )
        if run.is_finished:
            return run
        _report(run, 5, RunStage.READING, status=RunStatus.RUNNING)
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
        _report(
            run, 100, RunStage.FAILED, status=RunStatus.FAILED, finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )  # fmt: skip
    run.refresh_from_db()
    return run


def read_problem(run):
    """The run's intake as a selection problem: its shortlist, desks, budget and opinions."""
    intake = run.intake
    field = scoring.score_field(intake)
    # Requests are in the program's currency (budget lines keep their converted amount);
    # the intake's cap and pool may be in another.
    cap = to_program_currency(intake.stipend_cap)[0].amount
    shortlist = list(
        Application.objects.filter(intake=intake, status=S.SHORTLISTED)
        .values_list("pk", f"score_summary__{field}", "company__sector__code", "budget_total")
        .order_by("pk")
    )
    keys = [pk for pk, _merit, _sector, _requested in shortlist]
    preferences = {}
    for application_id, host_id in (
        HostPreference.objects.filter(application__in=keys)
        .order_by("application", "rank")
        .values_list("application", "host")
    ):
        preferences.setdefault(application_id, []).append(host_id)
    desks, markets = {}, {}
    for host_id, count, market_id in DeskOffer.objects.filter(intake=intake).values_list(
        "host", "desks", "host__market"
    ):
        desks[host_id], markets[host_id] = count, str(market_id)
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
        for pk, merit, sector, requested in shortlist
    ]
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
    run.status, run.stage, run.progress = RunStatus.DONE, RunStage.DONE, 100
    run.finished_at = timezone.now()
    run.save()


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
    if not found:
        return []
    companies = {e.application_id: e.application.company.name for e in entries}
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
    return f"{Decimal(cents) / 100:,.2f} {settings.PORTAL_CURRENCY}"


# Confirming and releasing -------------------------------------------------------------------


@transaction.atomic
def confirm_slate(run, *, by):
    """Apply every decision of the slate at once: offered, waitlisted, not selected.

    Refused, changing nothing, if the slate breaks a constraint or an applicant has left the
    shortlist since the run; a second confirmation is refused too. The decision emails wait
    in the outbox (``decisions_batch``) for ``release_decisions``."""
    run = _lock_open_run(run, by)
    intake = run.intake
    _lock_applications(run)
    entries = list(
        run.entries.select_related("application__company", "application__intake", "host")
    )
    problems = check_slate(run, entries)
    problems += [
        _("%(company)s is %(status)s now, no longer shortlisted: start a new run.")
        % {"company": e.application.company.name,
           "status": S(e.application.status).label.lower()}
        for e in entries
        if e.application.status != S.SHORTLISTED
    ]  # fmt: skip
    if problems:
        raise ValidationError(problems)
    note = _("Selection run %(number)s, confirmed.") % {"number": run.number}
    recipients = queries.member_recipients({entry.application.company_id for entry in entries})
    for entry in entries:
        application = entry.application
        to = recipients.get(application.company_id, [])
        if entry.host_id is not None:
            transition(application, to=S.OFFERED, by=by, note=note)
            offer = Offer.objects.create(
                application=application, intake=intake, host=entry.host, run=run,
                stipend=entry.stipend, starts_on=application.proposed_start,
                ends_on=application.proposed_end,
            )  # fmt: skip
            _tell_decision(application, offer=offer, held=True, to=to)
        elif entry.reason in UNPLACEABLE:
            transition(application, to=S.NOT_SELECTED, by=by, note=note)
            _tell_decision(application, held=True, to=to)
        else:
            transition(application, to=S.WAITLISTED, by=by, note=note)
            _tell_decision(application, held=True, to=to)
    now = timezone.now()
    run.confirmed_at, run.confirmed_by = now, by
    run.save(update_fields=["confirmed_at", "confirmed_by", "updated_at"])
    intake.slate_confirmed_at = now
    intake.save(update_fields=["slate_confirmed_at"])
    return run


def _lock_applications(run):
    """Lock a run's applications before their statuses are read and acted on: a withdrawal
    or a move back to review cannot slip in between the check and the decision."""
    list(
        Application.objects.select_for_update(of=("self",))
        .filter(slate_entries__run=run)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _tell_decision(application, *, offer=None, held=False, to=None):
    """The decision email to the company's members (``to``: their (address, language)
    pairs, when the caller has read them already), each in their language."""
    intake = application.intake
    context = {
        "application": application,
        "company": application.company,
        "intake": intake,
        "status": application.status,
        "offer": offer,
        "link": _link("dashboard"),
        "currency": settings.PORTAL_CURRENCY,
    }
    key = f"decision:{application.pk}:{application.status}"
    if offer is not None:
        key = f"offer:{offer.pk}"
    queue_email_to_people(
        _applicants(application) if to is None else to,
        key=key,
        template="applications/email/decision",
        context=context,
        held_in=queries.decisions_batch(intake) if held else "",
    )


@transaction.atomic
def release_decisions(intake, *, by, now=None):
    """Send the held decision emails, each once, and open the offers they announce: each has
    the intake's number of days from now to answer. Returns how many emails were released."""
    _require(by, "programs.change_intake", intake)
    intake = _lock_intake(intake)
    now = now or timezone.now()
    released = release_batch(queries.decisions_batch(intake))
    if released:
        if intake.decisions_released_at is None:
            intake.decisions_released_at = now
            intake.save(update_fields=["decisions_released_at"])
        Offer.objects.filter(intake=intake, status=OfferStatus.OPEN, deadline__isnull=True).update(
            deadline=now + datetime.timedelta(days=intake.offer_response_days)
        )
    return released


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
    transition(offer.application, to=application_status, by=by, note=note or str(default_note))
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
            close_offer(offer, to=OfferStatus.EXPIRED, by=None, now=now)
            fill_seat(offer, by=None, now=now)


def fill_seat(freed, *, by, now=None):
    """Offer a freed seat to the best waitlisted applicant of the confirmed run who chose its
    host, was not judged a fit against it, and fits what is left of the budget and the run's
    caps; with a new email and deadline. A seat is offered again at most once."""
    now = now or timezone.now()
    intake = _lock_intake(freed.intake)
    if Offer.objects.filter(replaces=freed).exists():
        return None
    run = freed.run
    _lock_applications(run)
    entries = list(
        run.entries.select_related("application__company", "application__intake").order_by(
            "waitlist_position", "position"
        )
    )
    # The same constraint check as an adjusted slate: the offers holding a desk, plus one.
    problem = stored_problem(run, entries)
    holding = dict(
        Offer.objects.filter(intake=intake, status__in=HOLDING_OFFER_STATUSES).values_list(
            "application", "host"
        )
    )
    host = freed.host_id
    for entry in entries:
        if (
            entry.application.status != S.WAITLISTED
            or entry.waitlist_position is None
            or selection.breaks(problem, {**holding, entry.application_id: host})
        ):
            continue
        application = entry.application
        transition(
            application, to=S.OFFERED, by=by,
            note=_("A place opened at %(host)s.") % {"host": freed.host.name},
        )  # fmt: skip
        offer = Offer.objects.create(
            application=application, intake=intake, host_id=host, run=run, replaces=freed,
            stipend=entry.stipend, starts_on=application.proposed_start,
            ends_on=application.proposed_end,
            deadline=now + datetime.timedelta(days=intake.offer_response_days),
        )  # fmt: skip
        _tell_decision(application, offer=offer)
        return offer
    return None
