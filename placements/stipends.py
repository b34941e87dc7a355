"""Every write on a placement's money: its stipend award, the award's tranches (and the
payments they become) and the firm's expense claims.

Each lifecycle has one transition table (placements.enums) and one function that moves a
row the caller locked: ``change_award_status``, ``change_tranche_status``,
``change_claim_status``. Each writes a MoneyEvent (who, from, to, when, note, the fields
before and after). Approving a claim locks its award's row first, so two approvals at once
take turns and the second counts the first: the claims' approved total never exceeds the
award.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from djmoney.money import Money

from applications.queries import member_recipients
from applications.services.applying import MAX_DOCUMENT_BYTES, sniff_content_type
from placements import money_history, rates, watchers
from placements.enums import (
    APPROVED_CLAIMS,
    AWARD_NEEDS_REASON,
    AWARD_TRANSITIONS,
    CANCELLABLE_TRANCHES,
    CLAIM_NEEDS_REASON,
    CLAIM_TRANSITIONS,
    CLAIMABLE_AWARDS,
    COMMITTED_AWARDS,
    CUTTABLE_TRANCHES,
    EDITABLE_CLAIMS,
    OPEN_CLAIMS,
    TRANCHE_NEEDS_REASON,
    TRANCHE_TRANSITIONS,
    AwardStatus,
    ClaimStatus,
    ExpenseCategory,
    MoneyNote,
    PlacementStatus,
    TrancheCondition,
    TrancheName,
    TrancheStatus,
)
from placements.models import (
    ClaimLine,
    ExpenseClaim,
    MoneyEvent,
    Placement,
    StipendAward,
    StipendTerm,
    Tranche,
)
from portal.downloads import csv_text
from portal.links import link_to
from portal.locks import lock_in_order
from portal.services import delete_file_on_commit, first_sending, queue_email_to_people
from portal.storage import keep_upload
from programs.enums import StaffRole
from programs.models import Intake
from programs.queries import program_staff_of

A, T, C = AwardStatus, TrancheStatus, ClaimStatus
CENT = Decimal("0.01")
# An intake with no schedule of its own pays half on arrival and half once the end-of-stay
# report is verified; its tranches' names are the portal's own (codes of TrancheName).
DEFAULT_SCHEDULE = [
    (TrancheName.ADVANCE, Decimal(50), TrancheCondition.ARRIVAL),
    (TrancheName.BALANCE, Decimal(50), TrancheCondition.REPORT_VERIFIED),
]
# What no single expense line can sensibly be, in the program's currency.
ABSURD_LINE = Decimal(100_000)
# A pool warning once an award would leave less than this share of the pool.
POOL_WARNING_SHARE = Decimal("0.10")


def _record(
    *, award, by, before, after, tranche=None, claim=None, note="", note_code="", note_values=None
):
    """One MoneyEvent: the status and the fields that changed (``before`` and ``after`` are
    {field: value}), kept as data to be written in the reader's language
    (placements.money_history). A note of the portal's own is a code of MoneyNote with its
    values, and stands instead of ``note`` (the words a person typed it quotes are among
    its values)."""
    changes = {}
    for name in after:
        old, new = money_history.snapshot(before.get(name)), money_history.snapshot(after[name])
        if name != "status" and old != new:
            changes[name] = [old, new]
    return MoneyEvent.objects.create(
        award=award,
        tranche=tranche,
        claim=claim,
        actor=by,
        from_status=before.get("status", ""),
        to_status=after.get("status", ""),
        note="" if note_code else note,
        note_code=note_code,
        note_values=note_values or {},
        changes=changes,
    )


def _check(table, labels, row, to, noun):
    if to not in table[row.status]:
        raise ValidationError(
            _("%(noun)s that is %(current)s cannot become %(target)s.")
            % {
                "noun": noun,
                "current": labels(row.status).label.lower(),
                "target": labels(to).label.lower(),
            }
        )


def _move(row, *, to, by, note, said, fields, before, table, labels, noun, needs_reason, audit):
    """Check the table, set the status, save ``fields`` too, record the change. ``before``
    gives the values of fields the caller already changed on the row; ``said`` is a note of
    the portal's own (note_code, note_values), which may stand for the reason."""
    _check(table, labels, row, to, noun)
    if to in needs_reason and not (note.strip() or said.get("note_code")):
        raise ValidationError(_("Give the reason."))
    before = {
        "status": row.status,
        **{name: getattr(row, name) for name in fields},
        **(before or {}),
    }
    row.status = to
    row.version += 1
    if to in needs_reason:
        row.reason = note.strip()
        fields = [*fields, "reason"]
    update = ["status", "version", *fields]
    if hasattr(row, "updated_at"):
        update.append("updated_at")
    row.save(update_fields=update)
    after = {"status": to, **{name: getattr(row, name) for name in fields if name != "reason"}}
    _record(by=by, before=before, after=after, note=note.strip(), **said, **audit)
    return row


def change_award_status(
    award, *, to, by, note="", note_code="", note_values=None, fields=(), before=None
):
    """The one way an award's status changes: ``award`` is a row the caller locked."""
    return _move(
        award,
        to=to,
        by=by,
        note=note,
        said={"note_code": note_code, "note_values": note_values},
        fields=list(fields),
        before=before,
        table=AWARD_TRANSITIONS,
        labels=AwardStatus,
        noun=_("An award"),
        needs_reason=AWARD_NEEDS_REASON,
        audit={"award": award},
    )


def change_tranche_status(
    tranche, *, to, by, note="", note_code="", note_values=None, fields=(), before=None
):
    """The one way a tranche's status changes: ``tranche`` is a row the caller locked."""
    paid = T.PAID in (tranche.status, to)
    _move(
        tranche,
        to=to,
        by=by,
        note=note,
        said={"note_code": note_code, "note_values": note_values},
        fields=list(fields),
        before=before,
        table=TRANCHE_TRANSITIONS,
        labels=TrancheStatus,
        noun=_("A tranche"),
        needs_reason=TRANCHE_NEEDS_REASON,
        audit={"award": tranche.award, "tranche": tranche},
    )
    if paid:  # the program cost counts tranches paid
        watchers.intakes_changed([tranche.award.intake_id])
    return tranche


def change_claim_status(
    claim, *, to, by, note="", note_code="", note_values=None, fields=(), before=None
):
    """The one way a claim's status changes: ``claim`` is a row the caller locked."""
    paid = C.PAID in (claim.status, to)
    _move(
        claim,
        to=to,
        by=by,
        note=note,
        said={"note_code": note_code, "note_values": note_values},
        fields=list(fields),
        before=before,
        table=CLAIM_TRANSITIONS,
        labels=ClaimStatus,
        noun=_("A claim"),
        needs_reason=CLAIM_NEEDS_REASON,
        audit={"award": claim.award, "claim": claim},
    )
    if paid:  # the program cost counts expense claims paid
        watchers.intakes_changed([claim.award.intake_id])
    return claim


def _lock_award(award):
    return (
        StipendAward.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake", "company", "placement")
        .get(pk=award.pk)
    )


def _lock_tranche(tranche):
    return (
        Tranche.objects.select_for_update(of=("self",), no_key=True)
        .select_related("award__company", "award__intake")
        .get(pk=tranche.pk)
    )


def _lock_claim(claim):
    return (
        ExpenseClaim.objects.select_for_update(of=("self",), no_key=True)
        .select_related("award__company", "award__intake", "award__placement")
        .get(pk=claim.pk)
    )


def program_currency(intake):
    return str(intake.stipend_cap.currency)


# --- Awards --------------------------------------------------------------------------------


def proposed_amount(placement):
    """What the award should be: the firm's accepted budget (the offer's stipend when the
    budget is not known), at most the intake's cap, in the program's currency.

    Budgets and stipends are in the portal's currency; an intake capped in another one gets
    them converted at today's rate, or its cap when no rate converts them (a proposal the
    manager checks, not a figure in the wrong currency)."""
    intake, application = placement.intake, placement.offer.application
    cap = intake.stipend_cap
    asked = application.budget_total
    if asked is None:
        asked = Money(placement.offer.stipend, settings.PORTAL_CURRENCY)
    if asked.currency != cap.currency:
        try:
            asked = rates.convert(asked, cap.currency, timezone.localdate()).amount
        except rates.NoRate:
            asked = cap
    return Money(min(asked.amount, cap.amount).quantize(CENT), cap.currency)


def pool_figures(intake, *, exclude=None):
    """(pool, committed in awards, left) of an intake, in the program's currency."""
    awards = StipendAward.objects.filter(intake=intake, status__in=COMMITTED_AWARDS)
    if exclude is not None:
        awards = awards.exclude(pk=exclude.pk)
    committed = awards.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    currency = program_currency(intake)
    pool = intake.stipend_budget.amount
    return Money(pool, currency), Money(committed, currency), Money(pool - committed, currency)


def pool_warning(intake, amount, *, exclude=None):
    """A sentence warning that ``amount`` would take the intake over its pool, or leave
    little of it; empty when it fits well."""
    pool, _committed, left = pool_figures(intake, exclude=exclude)
    if amount > left:
        return _(
            "%(amount)s would take the intake over its stipend pool: only %(left)s is left of "
            "%(pool)s. It will be refused."
        ) % {"amount": amount, "left": left, "pool": pool}
    if left - amount < pool * POOL_WARNING_SHARE:
        return _("After %(amount)s only %(rest)s is left of the intake's pool of %(pool)s.") % {
            "amount": amount,
            "rest": left - amount,
            "pool": pool,
        }
    return ""


def _check_amount(intake, amount, *, award=None, at_least=None):
    """``amount`` as an award of the intake: in its currency, above zero, within its cap and
    what is left of its pool. A reduction (``at_least``: what the award already paid or
    approved) may go to zero and is checked against neither the cap nor the pool, which
    it only lowers what the award takes of (either may have been lowered since)."""
    # The intake's row is locked first and its terms read under the lock, so two awards at
    # once cannot both take the last of the pool, and a change of the cap's currency
    # (programs.services.update_intake, under the same lock) is seen.
    intake = Intake.objects.select_for_update(no_key=True).get(pk=intake.pk)
    cap = intake.stipend_cap
    if amount.currency != cap.currency:
        raise ValidationError(
            _("An award is in the program's currency, %(currency)s.") % {"currency": cap.currency}
        )
    if amount.amount < 0:
        raise ValidationError(_("An amount cannot be negative."))
    if at_least is not None:
        if amount < at_least:
            raise ValidationError(
                _(
                    "%(amount)s is less than the %(kept)s this award already paid in tranches "
                    "or approved in claims."
                )
                % {"amount": amount, "kept": at_least}
            )
        return
    if not amount.amount:
        # Its tranches of 0 would wait for ever in the payment batch, and keep it open.
        raise ValidationError(_("An award is more than zero; to give none, cancel it."))
    if amount > cap:
        raise ValidationError(
            _("%(amount)s is more than the intake's cap of %(cap)s.")
            % {"amount": amount, "cap": cap}
        )
    _pool, _committed, left = pool_figures(intake, exclude=award)
    if amount > left:
        raise ValidationError(
            _(
                "%(amount)s would take the intake over its stipend pool: only %(left)s is left. "
                "Nothing was changed."
            )
            % {"amount": amount, "left": left}
        )


@transaction.atomic
def propose_award(placement, *, by, amount=None):
    """The manager proposes the placement's award (by default the proposed amount). A
    placement whose award was cancelled gets it proposed again, with its history: the way to
    put right an amount mistyped before any money moved."""
    placement = (
        Placement.objects.select_for_update(of=("self",), no_key=True)
        .select_related("intake", "company", "offer__application")
        .get(pk=placement.pk)
    )
    cancelled = StipendAward.objects.filter(placement=placement, status=A.CANCELLED).first()
    if cancelled is None and StipendAward.objects.filter(placement=placement).exists():
        raise ValidationError(_("This placement already has an award."))
    if placement.status == PlacementStatus.CANCELLED:
        raise ValidationError(_("This placement was cancelled; it gets no award."))
    amount = amount if amount is not None else proposed_amount(placement)
    if cancelled is not None:
        return _propose_again(cancelled, by=by, amount=amount)
    _check_amount(placement.intake, amount)
    award = StipendAward.objects.create(
        placement=placement,
        intake=placement.intake,
        company=placement.company,
        amount=amount,
        # In the award's currency from the start (the column's default is the portal's).
        approved_total=Money(0, amount.currency),
        created_by=by,
    )
    _record(award=award, by=by, before={}, after={"status": A.PROPOSED, "amount": amount})
    return award


def _propose_again(award, *, by, amount):
    award = _lock_award(award)
    _check(AWARD_TRANSITIONS, AwardStatus, award, A.PROPOSED, _("An award"))
    _check_amount(award.intake, amount, award=award)
    before = {"amount": award.amount, "reason": award.reason}
    award.amount, award.reason = amount, ""
    return change_award_status(
        award,
        to=A.PROPOSED,
        by=by,
        note_code=MoneyNote.PROPOSED_AGAIN,
        fields=["amount", "amount_currency", "reason"],
        before=before,
    )


@transaction.atomic
def set_stipend_schedule(intake, *, by, terms):
    """The intake's schedule of tranches: ``terms`` are (label, share %, condition), shares
    adding up to 100. Awards made from now on follow it; those made before keep theirs."""
    Intake.objects.select_for_update(no_key=True).filter(pk=intake.pk).first()
    if any(share is None for _label, share, _condition in terms):
        raise ValidationError(_("Give each tranche its share."))
    terms = [(label.strip(), Decimal(share), condition) for label, share, condition in terms]
    if not terms:
        raise ValidationError(_("Give at least one tranche."))
    if any(not label for label, _share, _condition in terms):
        raise ValidationError(_("Name each tranche."))
    if any(share <= 0 for _label, share, _condition in terms):
        raise ValidationError(_("Each tranche is a share above zero."))
    if any(condition not in TrancheCondition.values for *_rest, condition in terms):
        raise ValidationError(_("Say when each tranche falls due."))
    total = sum(share for _label, share, _condition in terms)
    if total != 100:
        raise ValidationError(
            _("The shares add up to %(total)s %%; they must add up to 100 %%.") % {"total": total}
        )
    StipendTerm.objects.filter(intake=intake).delete()
    rows = []
    for position, (label, share, condition) in enumerate(terms, 1):
        code = tranche_name_code(label)
        rows.append(
            StipendTerm(
                intake=intake,
                position=position,
                label="" if code else label,
                label_code=code,
                share=share,
                condition=condition,
            )
        )
    return StipendTerm.objects.bulk_create(rows)


def tranche_name_code(label):
    """The code of a name of the portal's own (TrancheName) as any of its languages writes
    it, or "" for a name of the manager's. The schedule page shows the default names in the
    manager's language: "Avance" kept there, or "Advance" typed, is the advance, read as
    each reader's language writes it, not frozen in the manager's."""
    typed = label.strip().casefold()
    for language, _language_name in settings.LANGUAGES:
        with translation.override(language):
            for code, name in TrancheName.choices:
                if str(name).casefold() == typed:
                    return code
    return ""


def schedule_of(intake):
    """The intake's schedule as (label, label code, share, condition), the default one if
    it has none: a name of the portal's own is its code (TrancheName) and no label."""
    terms = list(StipendTerm.objects.filter(intake=intake).order_by("position", "pk"))
    if terms:
        return [(term.label, term.label_code, term.share, term.condition) for term in terms]
    return [("", code, share, condition) for code, share, condition in DEFAULT_SCHEDULE]


def _split(amount, shares):
    """The amount in parts by share, in cents; the last part takes the rounding."""
    parts, given = [], Decimal(0)
    total = sum(shares)
    for index, share in enumerate(shares):
        if index == len(shares) - 1:
            part = amount - given
        else:
            part = (amount * share / total).quantize(CENT, ROUND_HALF_UP)
        parts.append(part)
        given += part
    return parts


# Conditions another app satisfies (satisfy_condition), with how it tells whether one is met
# already when an award is made afterwards: {condition: (placement) -> bool}. Outcomes
# registers the end-of-stay report verified (its AppConfig.ready; imports flow one way).
_met_elsewhere = {}


def register_condition(condition, met):
    _met_elsewhere[condition] = met


def _met_conditions(placement):
    met = {TrancheCondition.AWARDED}
    if placement.arrived_on is not None:
        met.add(TrancheCondition.ARRIVAL)
    if placement.departed_on is not None:
        met.add(TrancheCondition.DEPARTURE)
    met.update(condition for condition, is_met in _met_elsewhere.items() if is_met(placement))
    return met


@transaction.atomic
def award_stipend(award, *, by, amount=None):
    """Proposed to awarded: the tranches are made from the intake's schedule; those whose
    condition is already met fall due."""
    # The placement first (as a proposal and a cancellation take it): an arrival or a
    # departure logged at the same moment is then either seen here or sees the tranches.
    placement = (
        Placement.objects.select_for_update(no_key=True)
        .filter(pk__in=StipendAward.objects.filter(pk=award.pk).values("placement"))
        .get()
    )
    award = _lock_award(award)
    _check(AWARD_TRANSITIONS, AwardStatus, award, A.AWARDED, _("An award"))
    fields, before = [], {}
    if amount is not None and amount != award.amount:
        _check_amount(award.intake, amount, award=award)
        before = {"amount": award.amount}
        award.amount = amount
        fields = ["amount", "amount_currency"]
    change_award_status(award, to=A.AWARDED, by=by, fields=fields, before=before)
    schedule = schedule_of(award.intake)
    parts = _split(award.amount.amount, [share for *_name, share, _condition in schedule])
    met = _met_conditions(placement)
    currency = program_currency(award.intake)
    # An award proposed again after its cancellation keeps its cancelled tranches: the new
    # ones come after them, so no payment reference (STIPEND-award-position) is given twice.
    after = Tranche.objects.filter(award=award).order_by("-position").first()
    for position, ((label, code, _share, condition), part) in enumerate(
        zip(schedule, parts, strict=True), 1 + (after.position if after else 0)
    ):
        tranche = Tranche.objects.create(
            award=award,
            position=position,
            label=label,
            label_code=code,
            amount=Money(part, currency),
            condition=condition,
        )
        _record(
            award=award,
            tranche=tranche,
            by=by,
            before={},
            after={"status": T.WAITING, "amount": tranche.amount},
        )
        if condition in met:
            _fall_due(tranche, by=by)
    _tell_firm(award, "awarded")
    return award


def _tell_firm(award, kind):
    """Email the firm's members about their award (``kind``: awarded, reduced, cancelled),
    with its tranches, each in their language; once for each version of the award."""
    _notify(
        award,
        key=f"award-{kind}:{award.pk}:{award.version}",
        template=f"placements/email/award_{kind}",
        context={
            "award": award,
            "tranches": list(award.tranches.exclude(status=T.CANCELLED).order_by("position", "pk")),
            "link": link_to("money:award", award.pk),
        },
        to_firm=True,
    )


def _fall_due(tranche, *, by, note_code=""):
    tranche.due_since = timezone.now()
    change_tranche_status(tranche, to=T.DUE, by=by, note_code=note_code, fields=["due_since"])


@transaction.atomic
def satisfy_condition(placement, condition, *, by=None, note_code=""):
    """A condition of the placement's tranches is met (the arrival logged, the end-of-stay
    report verified ...): its waiting tranches fall due. Other apps call this; calling it
    again changes nothing. ``note_code``, a MoneyNote, says why in the tranches' history
    (in each reader's language). Returns the tranches that fell due."""
    if condition not in TrancheCondition.values:
        raise ValueError(f"unknown tranche condition {condition!r}")
    tranches = list(
        Tranche.objects.select_for_update(of=("self",), no_key=True)
        .select_related("award")
        .filter(
            award__placement=placement,
            award__status__in=CLAIMABLE_AWARDS,
            condition=condition,
            status=T.WAITING,
        )
        .order_by("position")
    )
    for tranche in tranches:
        _fall_due(tranche, by=by, note_code=note_code)
    return tranches


def _lock_tranches(award):
    """All the award's tranches, in order: what was paid is then read under their locks, so
    a payment made meanwhile is counted (a reduction or cancellation locks them first)."""
    lock_in_order(Tranche.objects.filter(award=award), order_by=["position"])


def _unpaid_tranches(award, statuses=(T.WAITING, T.DUE, T.APPROVED, T.FAILED)):
    return list(
        Tranche.objects.select_for_update(of=("self",), no_key=True)
        .select_related("award")
        .filter(award=award, status__in=statuses)
        .order_by("position")
    )


def _tranches_total(award, statuses):
    tranches = Tranche.objects.filter(award=award, status__in=statuses)
    return tranches.aggregate(total=Sum("amount"))["total"] or Decimal(0)


def _kept(award):
    """What the award has paid or approved, in its tranches and its claims together: the
    award is one sum, whichever way it reaches the firm, so the two never add up to more
    than it (stipends of "up to CAD 4,000", not 4,000 twice)."""
    return _tranches_total(award, [T.APPROVED, T.PAID]) + award.approved_total.amount


def left_of(award, in_tranches):
    """What claims may still be approved on the award, given what its tranches paid or
    approved (``in_tranches``, a Decimal): its amount less that and its approved claims. A
    claim approved takes its amount from the tranches not yet approved for payment, the last
    first (_draw_down)."""
    left = award.amount.amount - in_tranches - award.approved_total.amount
    return Money(max(left, Decimal(0)), award.amount.currency)


def left_to_claim(award):
    return left_of(award, _tranches_total(award, [T.APPROVED, T.PAID]))


def _cut_tranches(award, cut, *, by, note, said):
    """Take ``cut`` from the award's tranches not yet approved for payment, the last first
    (the caller locked them, _lock_tranches); a tranche left at 0 is cancelled, so the award
    can be closed (a tranche of 0 waiting for ever kept it open). ``note`` (typed) or
    ``said`` (note_code, note_values) says why."""
    for tranche in reversed(_unpaid_tranches(award, CUTTABLE_TRANCHES)):
        if cut <= 0:
            break
        take = min(cut, tranche.amount.amount)
        old = tranche.amount
        tranche.amount = Money(tranche.amount.amount - take, tranche.amount.currency)
        cut -= take
        tranche.version += 1
        tranche.save(update_fields=["amount", "version"])
        _record(
            award=award,
            tranche=tranche,
            by=by,
            before={"status": tranche.status, "amount": old},
            after={"status": tranche.status, "amount": tranche.amount},
            note=note,
            **said,
        )
        if not tranche.amount:
            change_tranche_status(tranche, to=T.CANCELLED, by=by, note=note, **said)


def _draw_down(award, *, by, note="", **said):
    """After a claim's approval or a reduction: the tranches not yet approved give up what
    the award's paid and approved money plus them would exceed it by."""
    waiting = _tranches_total(award, CUTTABLE_TRANCHES)
    _cut_tranches(award, _kept(award) + waiting - award.amount.amount, by=by, note=note, said=said)


@transaction.atomic
def reduce_award(award, *, by, amount, reason):
    """The stay was cut short: the award becomes ``amount`` (no less than what was already
    approved in claims or paid in tranches); tranches not yet approved for payment are
    reduced from the last. A payment approved (finance may have it at the bank) is never
    changed: a reduction that would cut it is refused."""
    award = _lock_award(award)
    _lock_tranches(award)
    _check(AWARD_TRANSITIONS, AwardStatus, award, A.REDUCED, _("An award"))
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    if amount >= award.amount:
        raise ValidationError(
            _("A reduced award is less than its %(amount)s.") % {"amount": award.amount}
        )
    paid = _tranches_total(award, [T.PAID])
    floor = award.approved_total.amount + paid
    _check_amount(award.intake, amount, award=award, at_least=Money(floor, amount.currency))
    approved = _tranches_total(award, [T.APPROVED])
    if amount.amount < floor + approved:
        raise ValidationError(
            _(
                "%(approved)s of this award's tranches is approved for payment: the award "
                "cannot go below %(floor)s until that payment is recorded or marked failed. "
                "Nothing was changed."
            )
            % {
                "approved": Money(approved, amount.currency),
                "floor": Money(floor + approved, amount.currency),
            }
        )
    before = {"amount": award.amount}
    award.amount = amount
    change_award_status(
        award, to=A.REDUCED, by=by, note=reason, fields=["amount", "amount_currency"], before=before
    )
    # What the tranches and the claims would pay beyond the new amount (a tranche cancelled
    # by hand pays nothing, so they may already add up to less than the award).
    _draw_down(award, by=by, note=reason.strip())
    _tell_firm(award, "reduced")
    return award


def _reject_open_claims(award, *, by, reason):
    """The claims not yet decided on an award that ends: rejected with its reason (they kept
    the award from closing, and could not be approved on it any more)."""
    lock_in_order(ExpenseClaim.objects.filter(award=award, status__in=OPEN_CLAIMS))
    for claim in ExpenseClaim.objects.filter(award=award, status__in=OPEN_CLAIMS).select_related(
        "award"
    ):
        _reject(claim, by=by, reason=reason)


def _reject(claim, *, by, reason, note_code="", fields=()):
    """A claim rejected (by a manager, approved at nothing, or with its award): the firm's
    members are told why, in their language (a claim approved at nothing keeps no reason of
    its own: its page and email say so in their reader's language)."""
    change_claim_status(
        claim, to=C.REJECTED, by=by, note=reason, note_code=note_code, fields=fields
    )
    _tell_about(claim, "rejected", key=f"claim-rejected:{claim.pk}", to_firm=True)
    return claim


def _cancel(award, *, by, reason):
    change_award_status(award, to=A.CANCELLED, by=by, note=reason)
    for tranche in _unpaid_tranches(award):
        change_tranche_status(tranche, to=T.CANCELLED, by=by, note=reason)
    _reject_open_claims(award, by=by, reason=reason)
    return award


@transaction.atomic
def cancel_award(award, *, by, reason):
    """The stay never happened (or the award is withdrawn): the award and its unpaid tranches
    are cancelled, its open claims rejected. Refused once money was paid or approved (in a
    tranche or a claim): reduce it instead."""
    award = _lock_award(award)
    _lock_tranches(award)
    _check(AWARD_TRANSITIONS, AwardStatus, award, A.CANCELLED, _("An award"))
    if not reason.strip():
        raise ValidationError(_("Give the reason."))
    if _kept(award):
        raise ValidationError(
            _("Money was already paid or approved on this award; reduce it instead.")
        )
    was_awarded = award.status != A.PROPOSED
    award = _cancel(award, by=by, reason=reason)
    if was_awarded:  # a proposal the firm was never told of needs no email
        _tell_firm(award, "cancelled")
    return award


@transaction.atomic
def cancel_award_of(placement, *, by, reason):
    """For placements.services.cancel_placement: the cancelled stay's award, if any, is
    cancelled with the stay's reason. One with money already paid or approved (a flight
    claimed before the stay, an advance) keeps that money: it is reduced to it, its tranches
    not yet approved are cancelled and its open claims rejected, and it is closed once
    nothing is left to pay (else the manager closes it when finance has paid)."""
    award = StipendAward.objects.filter(
        placement=placement, status__in=[A.PROPOSED, *CLAIMABLE_AWARDS]
    ).first()
    if award is None:
        return None
    award = _lock_award(award)
    _lock_tranches(award)
    if award.status not in [A.PROPOSED, *CLAIMABLE_AWARDS]:
        return award
    kept = _kept(award)
    if not kept:
        return _cancel(award, by=by, reason=reason)
    said = {"note_code": MoneyNote.STAY_CANCELLED, "note_values": {"reason": reason.strip()}}
    if kept < award.amount.amount:
        before = {"amount": award.amount}
        award.amount = Money(kept, award.amount.currency)
        change_award_status(
            award,
            to=A.REDUCED,
            by=by,
            note=reason,
            fields=["amount", "amount_currency"],
            before=before,
            **said,
        )
    for tranche in _unpaid_tranches(award, CUTTABLE_TRANCHES):
        change_tranche_status(tranche, to=T.CANCELLED, by=by, note=reason)
    _reject_open_claims(award, by=by, reason=reason)
    owed = Tranche.objects.filter(award=award, status=T.APPROVED).exists()
    if owed or ExpenseClaim.objects.filter(award=award, status=C.APPROVED).exists():
        return award
    return _close(award, by=by, **said)


@transaction.atomic
def close_award(award, *, by, note=""):
    """Everything is settled: no tranche or claim is left open."""
    award = _lock_award(award)
    _check(AWARD_TRANSITIONS, AwardStatus, award, A.CLOSED, _("An award"))
    # A failed payment is still owed (the ledger counts it to pay): paid again or cancelled.
    owed = [T.WAITING, T.DUE, T.APPROVED, T.FAILED]
    if Tranche.objects.filter(award=award, status__in=owed).exists():
        raise ValidationError(_("A tranche of this award is still to be paid or cancelled."))
    if ExpenseClaim.objects.filter(award=award, status__in=[*OPEN_CLAIMS, C.APPROVED]).exists():
        raise ValidationError(_("A claim on this award is still open."))
    return _close(award, by=by, note=note)


def _close(award, *, by, note="", **said):
    """Closed at what it paid: a tranche cancelled (a payment that failed and will not be
    made again) leaves the rest of the award to the intake's pool, not committed for ever.
    ``note`` (typed) or ``said`` (note_code, note_values) says why."""
    paid = Money(_kept(award), award.amount.currency)
    if paid >= award.amount:
        return change_award_status(award, to=A.CLOSED, by=by, note=note, **said)
    if not (note.strip() or said):
        said = {"note_code": MoneyNote.CLOSED_AT_PAID}
    before = {"amount": award.amount}
    award.amount = paid
    return change_award_status(
        award,
        to=A.CLOSED,
        by=by,
        note=note,
        fields=["amount", "amount_currency"],
        before=before,
        **said,
    )


# --- Disbursements -------------------------------------------------------------------------


@transaction.atomic
def approve_tranche(tranche, *, by, note=""):
    """Finance approves a due tranche for payment; never past what is left of its award once
    its paid and approved tranches and claims are counted (the award's row is locked first,
    as a claim's approval takes it)."""
    award = _lock_award(tranche.award)
    tranche = _lock_tranche(tranche)
    _check(TRANCHE_TRANSITIONS, TrancheStatus, tranche, T.APPROVED, _("A tranche"))
    left = award.amount.amount - _kept(award)
    if tranche.amount.amount > left:
        raise ValidationError(
            _(
                "This tranche of %(amount)s would take the award over its %(award)s: only "
                "%(left)s is left once its paid and approved money is counted. Reduce the "
                "award or cancel the tranche instead. Nothing was changed."
            )
            % {
                "amount": tranche.amount,
                "award": award.amount,
                "left": Money(max(left, 0), award.amount.currency),
            }
        )
    return change_tranche_status(tranche, to=T.APPROVED, by=by, note=note)


def _paid_twice(paid_on, reference):
    return _("This was already paid on %(day)s (reference %(reference)s); nothing was changed.") % {
        "day": date_format(paid_on),
        "reference": reference or "-",
    }


def _check_payment(paid_on, reference):
    if paid_on > timezone.localdate():
        raise ValidationError(_("This date has not come yet."))
    if not reference.strip():
        raise ValidationError(_("Give the payment's reference."))


@transaction.atomic
def pay_tranche(tranche, *, by, paid_on, reference):
    """Finance paid an approved tranche. Paying it again is refused."""
    tranche = _lock_tranche(tranche)
    if tranche.status == T.PAID:
        raise ValidationError(_paid_twice(tranche.paid_on, tranche.reference))
    _check_payment(paid_on, reference)
    tranche.paid_on, tranche.reference = paid_on, reference.strip()
    change_tranche_status(tranche, to=T.PAID, by=by, fields=["paid_on", "reference"])
    _notify(
        tranche.award,
        key=f"tranche-paid:{tranche.pk}",
        template="placements/email/tranche_paid",
        context={
            "tranche": tranche,
            "award": tranche.award,
            "link": link_to("money:award", tranche.award_id),
        },
        to_firm=True,
    )
    return tranche


@transaction.atomic
def fail_tranche(tranche, *, by, reason):
    tranche = _lock_tranche(tranche)
    return change_tranche_status(tranche, to=T.FAILED, by=by, note=reason)


@transaction.atomic
def cancel_tranche(tranche, *, by, reason):
    """A failed payment the program will not make again: cancelled, with the reason, so the
    award can be closed."""
    tranche = _lock_tranche(tranche)
    if tranche.status not in CANCELLABLE_TRANCHES:
        raise ValidationError(
            _("Only a failed payment is cancelled here; reduce or cancel the award instead.")
        )
    return change_tranche_status(tranche, to=T.CANCELLED, by=by, note=reason)


def payment_batch(intake):
    """The approved tranches and claims of an intake, to pay: (payee, amount, currency,
    reference) rows for the finance system."""
    rows = []
    for tranche in (
        Tranche.objects.filter(award__intake=intake, status=T.APPROVED)
        .select_related("award__company")
        .order_by("award__company__name", "position", "pk")
    ):
        rows.append(
            (
                tranche.award.company.name,
                tranche.amount.amount,
                str(tranche.amount.currency),
                tranche.payment_reference,
            )
        )
    for claim in (
        ExpenseClaim.objects.filter(award__intake=intake, status=C.APPROVED)
        .select_related("award__company")
        .order_by("award__company__name", "pk")
    ):
        rows.append(
            (
                claim.award.company.name,
                claim.approved_total.amount,
                str(claim.approved_total.currency),
                claim.payment_reference,
            )
        )
    return rows


# The payment batch is a file for the finance system and the bank, not for reading: its
# columns keep fixed names (and its amounts a plain decimal point) whatever the manager's
# language, so an import set up once reads every batch.
PAYMENT_BATCH_COLUMNS = ["payee", "amount", "currency", "reference"]


def payment_batch_csv(intake):
    rows = (
        [payee, f"{amount:.2f}", currency, reference]
        for payee, amount, currency, reference in payment_batch(intake)
    )
    return csv_text(PAYMENT_BATCH_COLUMNS, rows)


# --- Expense claims ------------------------------------------------------------------------


@transaction.atomic
def start_claim(award, *, by, once=""):
    """A draft claim on the award. A form sent again (``once``, its token) starts nothing
    more: None (a double click started two drafts)."""
    award = _lock_award(award)
    if not award.open_for_claims:
        raise ValidationError(_("Claims are made on an award once it is awarded."))
    if not first_sending(once):
        return None
    currency = program_currency(award.intake)
    claim = ExpenseClaim.objects.create(
        award=award, created_by=by, total=Money(0, currency), approved_total=Money(0, currency)
    )
    _record(award=award, claim=claim, by=by, before={}, after={"status": C.DRAFT})
    return claim


def _editable(claim):
    claim = _lock_claim(claim)
    if claim.status not in EDITABLE_CLAIMS:
        raise ValidationError(_("This claim was submitted; it cannot be changed now."))
    return claim


def _retotal(claim):
    total = claim.lines.aggregate(total=Sum("converted"))["total"] or Decimal(0)
    claim.total = Money(total, program_currency(claim.award.intake))
    claim.save(update_fields=["total", "total_currency", "updated_at"])


@transaction.atomic
def add_claim_line(
    claim, *, by, on, category, description, amount, receipt, outside_reason="", once=""
):
    """A line of a draft claim (or one sent back for changes): converted at the rate in force
    on its date, its receipt checked by content. A date outside the stay needs a reason and
    is flagged. A form sent again (``once``, its token) adds nothing more: None."""
    claim = _editable(claim)
    if not first_sending(once):
        return None
    placement = claim.award.placement
    if category not in ExpenseCategory.values:
        raise ValidationError(_("Choose a category."))
    if not description.strip():
        raise ValidationError(_("Describe the expense."))
    if on > timezone.localdate():
        raise ValidationError(_("This date has not come yet."))
    if amount.amount <= 0:
        raise ValidationError(_("An expense is more than zero."))
    first = placement.arrived_on or placement.starts_on
    last = placement.departed_on or placement.ends_on
    outside = not (first <= on <= last)
    if outside and not outside_reason.strip():
        raise ValidationError(
            _("%(day)s is outside the stay (%(first)s – %(last)s): say why it belongs here.")
            % {"day": date_format(on), "first": date_format(first), "last": date_format(last)}
        )
    # A currency with no rate on or before the day raises NoRate, naming both.
    conversion = rates.convert(amount, program_currency(claim.award.intake), on)
    if conversion.amount.amount > ABSURD_LINE:
        raise ValidationError(
            _("%(amount)s (%(converted)s) is more than any one expense can be; check the amount.")
            % {"amount": amount, "converted": conversion.amount}
        )
    if receipt is None:
        raise ValidationError(_("Attach the receipt."))
    if receipt.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is 10 MB.")
            % {"size": round(receipt.size / 1024 / 1024, 1)}
        )
    content_type = sniff_content_type(receipt)
    if content_type is None:
        raise ValidationError(_("This file is not a PDF, PNG or JPEG, whatever its name says."))
    line = ClaimLine(
        claim=claim,
        on=on,
        category=category,
        description=description.strip(),
        amount=amount,
        converted=conversion.amount,
        rate=conversion.rate,
        rate_date=conversion.rate_date,
        rate_source=conversion.source,
        outside_stay=outside,
        outside_reason=outside_reason.strip() if outside else "",
        receipt_name=receipt.name[:255],
        receipt_type=content_type,
    )
    keep_upload(line.receipt, "receipt", receipt)
    line.save()
    _retotal(claim)
    _record(
        award=claim.award,
        claim=claim,
        by=by,
        before={"status": claim.status},
        after={"status": claim.status, "line": money_history.line_snapshot("+", line)},
    )
    return line


@transaction.atomic
def remove_claim_line(line, *, by):
    claim = _editable(line.claim)
    text = money_history.line_snapshot("-", line)
    delete_file_on_commit(line.receipt)
    line.delete()
    _retotal(claim)
    _record(
        award=claim.award,
        claim=claim,
        by=by,
        before={"status": claim.status},
        after={"status": claim.status, "line": text},
    )


@transaction.atomic
def submit_claim(claim, *, by):
    # The award first, as an approval and a cancellation take it: a cancellation at the
    # same moment either is seen here or rejects the claim submitted.
    award = _lock_award(claim.award)
    claim = _lock_claim(claim)
    if not award.open_for_claims:
        raise ValidationError(_("This award is not open for claims."))
    if not claim.lines.exists():
        raise ValidationError(_("Add at least one expense before submitting."))
    claim.submitted_at = timezone.now()
    change_claim_status(claim, to=C.SUBMITTED, by=by, fields=["submitted_at"])
    key = f"claim-submitted:{claim.pk}:{claim.version}"
    _tell_about(claim, "submitted", key=key, to_managers=True)
    return claim


@transaction.atomic
def request_changes(claim, *, by, reason, notes=None, approved=None):
    """Send the claim back to the firm; ``notes`` are {line id: note} on the lines to fix.
    The other lines keep the amount ``approved`` gives them ({line id: Money}) as the
    approval to come: nothing counts against the award until the claim is approved."""
    claim = _lock_claim(claim)
    change_claim_status(claim, to=C.CHANGES_REQUESTED, by=by, note=reason)
    notes, approved = notes or {}, approved or {}
    for line in claim.lines.all():
        keep = approved.get(line.pk) if line.pk not in notes else None
        if keep is not None and not (0 <= keep.amount <= line.converted.amount):
            raise ValidationError(
                _("Approve an amount from zero to %(max)s.") % {"max": line.converted}
            )
        line.approved = keep
        line.save(update_fields=["approved", "approved_currency"])
    _note_lines(claim, notes)
    _tell_about(claim, "changes", key=f"claim-changes:{claim.pk}:{claim.version}", to_firm=True)
    return claim


@transaction.atomic
def reject_claim(claim, *, by, reason):
    claim = _lock_claim(claim)
    return _reject(claim, by=by, reason=reason)


def _note_lines(claim, notes):
    for line in claim.lines.filter(pk__in=list((notes or {}).keys())):
        line.note = notes[line.pk].strip()
        line.save(update_fields=["note"])


@transaction.atomic
def approve_claim(claim, *, by, approved=None, note="", notes=None):
    """Approve a submitted claim, whole (``approved`` None: every line as claimed) or line by
    line (``approved`` {line id: Money in the program's currency}, zero refusing a line).

    The award's row is locked before anything is read, so two approvals on one award take
    turns and the second counts the first: the approved total never exceeds the award."""
    award = _lock_award(claim.award)
    _lock_tranches(award)
    claim = _lock_claim(claim)
    _check(CLAIM_TRANSITIONS, ClaimStatus, claim, C.APPROVED, _("A claim"))
    if not award.open_for_claims:
        raise ValidationError(_("This award is not open for claims."))
    lines = list(claim.lines.order_by("on", "pk"))
    approved = approved or {}
    unknown = set(approved) - {line.pk for line in lines}
    if unknown:
        raise ValidationError(_("An approved amount names a line that is not on this claim."))
    currency = program_currency(award.intake)
    total = Decimal(0)
    for line in lines:
        amount = approved.get(line.pk, line.converted)
        if amount.currency != line.converted.currency or amount.amount < 0:
            raise ValidationError(
                _("Approve an amount from zero to %(max)s.") % {"max": line.converted}
            )
        if amount > line.converted:
            raise ValidationError(
                _("%(description)s: at most %(max)s can be approved.")
                % {"description": line.description, "max": line.converted}
            )
        line.approved = amount
        total += amount.amount
    already = ExpenseClaim.objects.filter(award=award, status__in=APPROVED_CLAIMS).aggregate(
        total=Sum("approved_total")
    )["total"] or Decimal(0)
    in_tranches = _tranches_total(award, [T.APPROVED, T.PAID])
    if in_tranches + already + total > award.amount.amount:
        raise ValidationError(
            _(
                "Approving %(total)s would take this award over its %(award)s: its tranches "
                "paid or approved %(tranches)s and its claims %(claims)s, so %(left)s is left. "
                "Nothing was changed."
            )
            % {
                "total": Money(total, currency),
                "award": award.amount,
                "tranches": Money(in_tranches, currency),
                "claims": Money(already, currency),
                "left": Money(max(award.amount.amount - in_tranches - already, 0), currency),
            }
        )
    for line in lines:
        line.save(update_fields=["approved", "approved_currency"])
    _note_lines(claim, notes)
    claim.approved_total = Money(total, currency)
    if not total:
        # Every line refused: nothing to pay, so the claim ends here (approved at 0 it waited
        # in the payment batch, and kept the award open, until a payment of nothing).
        return _reject(
            claim,
            by=by,
            reason=note.strip(),
            note_code="" if note.strip() else MoneyNote.NOTHING_APPROVED,
            fields=["approved_total", "approved_total_currency"],
        )
    change_claim_status(
        claim,
        to=C.APPROVED,
        by=by,
        note=note,
        fields=["approved_total", "approved_total_currency"],
    )
    before = {"approved_total": award.approved_total}
    award.approved_total = Money(already + total, currency)
    award.save(update_fields=["approved_total", "approved_total_currency", "updated_at"])
    _record(
        award=award,
        by=by,
        before={"status": award.status, **before},
        after={"status": award.status, "approved_total": award.approved_total},
        note_code=MoneyNote.CLAIM_APPROVED,
        note_values={"number": claim.pk},
    )
    _draw_down(award, by=by, note_code=MoneyNote.CLAIM_DRAWN_DOWN, note_values={"number": claim.pk})
    _tell_about(claim, "approved", key=f"claim-approved:{claim.pk}", to_firm=True)
    return claim


@transaction.atomic
def pay_claim(claim, *, by, paid_on, reference):
    """Finance paid an approved claim. Paying it again is refused."""
    claim = _lock_claim(claim)
    if claim.status == C.PAID:
        raise ValidationError(_paid_twice(claim.paid_on, claim.reference))
    _check_payment(paid_on, reference)
    claim.paid_on, claim.reference = paid_on, reference.strip()
    change_claim_status(claim, to=C.PAID, by=by, fields=["paid_on", "reference"])
    _tell_about(claim, "paid", key=f"claim-paid:{claim.pk}", to_firm=True)
    return claim


# --- Notifications -------------------------------------------------------------------------


def _tell_about(claim, kind, *, key, **to):
    """Email ``placements/email/claim_<kind>`` about the claim (``to``: to_firm, to_managers)."""
    _notify(
        claim.award,
        key=key,
        template=f"placements/email/claim_{kind}",
        context={
            "claim": claim,
            "award": claim.award,
            "left": left_to_claim(claim.award),
            "link": link_to("money:claim", claim.pk),
        },
        **to,
    )


def _notify(award, *, key, template, context, to_firm=False, to_managers=False):
    """An email to the firm's members or the intake's managers, each in their language."""
    people = []
    if to_firm:
        people += member_recipients([award.company_id]).get(award.company_id, [])
    if to_managers:
        people += [
            (staff.user.email, staff.user.language)
            for staff in program_staff_of(award.intake)
            if staff.role == StaffRole.MANAGER
        ]
    if people:
        queue_email_to_people(
            people, key=key, template=template, context=context, intake_ref=award.intake_id
        )
