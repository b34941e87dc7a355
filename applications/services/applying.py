import datetime
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from djmoney.money import Money

from applications import queries
from applications.dates import date_problems
from applications.enums import (
    LIVE_STATUSES,
    TRANSITIONS,
    ApplicationStatus,
    DocumentKind,
    MemberRole,
)
from applications.models import (
    Application,
    ApplicationDocument,
    ApplicationEvent,
    BudgetLine,
    Company,
    CompanyInvitation,
    CompanyMember,
    FilterCount,
    HostPreference,
)
from applications.services.counting import (
    count_filters,
    filters_of,
    follow_status_change,
    lock_work,
)
from portal.dates import moment_text
from portal.links import link_to
from portal.queries import language_of_address
from portal.services import (
    delete_file_on_commit,
    first_sending,
    queue_email_to_people,
    queue_task,
)
from portal.storage import keep_upload
from programs.enums import Phase
from programs.phases import phase_of
from programs.services import to_program_currency

__all__ = [
    "PROFILE_FIELDS",
    "register_company",
    "update_company",
    "add_company_member",
    "when_member_added",
    "remove_company_member",
    "invite_member",
    "find_invitation",
    "accept_invitation",
    "revoke_invitation",
    "DraftConflict",
    "NotADraft",
    "ProfileConflict",
    "DRAFT_FIELDS",
    "MAX_DOCUMENT_BYTES",
    "SIGNATURES",
    "transition_application",
    "start_application",
    "save_draft",
    "set_host_preferences",
    "budget_total",
    "set_budget",
    "sniff_content_type",
    "add_document",
    "remove_document",
    "missing_items",
    "submit_application",
    "withdraw_application",
    "extend_deadline",
    "tell_earlier_close",
    "REMINDERS",
    "remind_drafts",
]

PROFILE_FIELDS = [
    "name",
    "country",
    "city",
    "website",
    "sector",
    "year_founded",
    "employees",
    "annual_revenue",
    "export_markets",
    "export_revenue_percent",
    "offering",
    "paying_customers",
    "proof",
]


@transaction.atomic
def register_company(user, *, name, country, once="", **profile):
    """Create an applicant company with the person registering it as its owner. A form sent
    again (``once``, its token) registers nothing more: None (a double click made two)."""
    if not first_sending(once):
        return None
    company = Company.objects.create(name=name.strip(), country=country, **profile)
    CompanyMember.objects.create(company=company, user=user, role=MemberRole.OWNER)
    return company


@transaction.atomic
def update_company(company, *, by, version=None, **profile):
    """Save the profile if nobody saved it since ``version`` (the page's; None: no check),
    else ProfileConflict with the profile as it is now."""
    # Read under the firm's lock: two edits at once count the sector each one changes. (The
    # sector is read after the lock, not joined to it: a row locked after waiting is read
    # anew, but what it was joined to is not.)
    saved = Company.objects.select_for_update(no_key=True).get(pk=company.pk)
    if version is not None and version != saved.version:
        raise ProfileConflict(saved)
    company.version = saved.version + 1
    was = saved.sector.code if saved.sector_id else None
    for name, value in profile.items():
        if name not in PROFILE_FIELDS:
            raise ValueError(name)
        setattr(company, name, value)
    company.full_clean()
    company.save()
    now = company.sector.code if company.sector_id else None
    if now != was:
        # The kept counts of the manager's sector filter follow, in every intake applied to
        # (whose work rows are taken first, as a change of status takes them).
        applied = company.applications.order_by()
        lock_work(*applied.values_list("intake_id", flat=True))
        for intake_id, status in applied.values_list("intake_id", "status"):
            count_filters(intake_id, status, {(FilterCount.SECTOR, was)} if was else set(), -1)
            count_filters(intake_id, status, {(FilterCount.SECTOR, now)} if now else set(), 1)
    return company


# Called after the commit that adds someone to a firm's team, with (company pk, user pk):
# registered in applications/apps.py (a reviewer who joins the firm steps down from its
# reviews, reviewing.step_down_from_own_firm), so this module needs no import of reviewing.
_member_added = []


def when_member_added(callback):
    _member_added.append(callback)


@transaction.atomic
def add_company_member(company, *, user, role=MemberRole.STAFF):
    member, created = CompanyMember.objects.get_or_create(
        company=company, user=user, defaults={"role": role}
    )
    if created:
        for callback in _member_added:
            transaction.on_commit(lambda c=callback: c(company.pk, user.pk))
    return member


@transaction.atomic
def remove_company_member(company, *, user):
    """Access ends at once: permissions are read from membership on every request."""
    if company.members.filter(user=user, role=MemberRole.OWNER).exists():
        raise ValidationError(_("The owner cannot be removed from the team."))
    CompanyMember.objects.filter(company=company, user=user).delete()


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_member(company, *, by, email, role=MemberRole.STAFF, once=""):
    """Email a single-use, expiring link, in the language of the address's account if it has
    one (else the inviter's); a new invitation replaces an open one. A form sent again
    (``once``, its token) invites nobody more: None (a double click sent a second email,
    whose invitation replaced the first and killed its link)."""
    email = email.strip()
    # Two invitations sent at once for one address would break the one-open-invitation rule:
    # the company row serialises them (FOR NO KEY UPDATE: a member added at the same moment
    # checks its key to the company at its commit, which a plain FOR UPDATE would block).
    Company.objects.select_for_update(no_key=True).filter(pk=company.pk).first()
    if company.members.annotate(email=Lower("user__email")).filter(email=email.lower()).exists():
        raise ValidationError(_("%(email)s is already on the team.") % {"email": email})
    if not first_sending(once):
        return None
    now = timezone.now()
    company.invitations.filter(
        email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    token = secrets.token_urlsafe(32)
    invitation = CompanyInvitation.objects.create(
        company=company, email=email, role=role, token_hash=_hash(token), invited_by=by
    )
    context = {
        "company": company,
        "inviter": by.full_name or by.email,
        "expires_at": invitation.expires_at,
        "link": link_to("applications:invitation_accept", token),
    }
    language = language_of_address(email) or get_language()
    queue_email_to_people(
        [(email, language)],
        key=f"invitation:{invitation.pk}",
        template="applications/email/invitation",
        context=context,
    )
    return invitation


def find_invitation(token):
    return (
        CompanyInvitation.objects.select_related("company", "invited_by")
        .filter(token_hash=_hash(token))
        .first()
    )


def _addresses_of(user):
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {address.lower() for address in verified}


@transaction.atomic
def accept_invitation(token, *, user):
    """Join the team; the link works once, before it expires, for the invited address."""
    invitation = find_invitation(token)
    if invitation is None:
        raise ValidationError(_("This invitation link is not valid."))
    invitation = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError(_("This invitation has already been used."))
    if invitation.revoked_at is not None:
        raise ValidationError(_("This invitation was withdrawn or replaced by a newer one."))
    if invitation.expires_at <= timezone.now():
        raise ValidationError(_("This invitation has expired; ask for a new one."))
    if invitation.email.lower() not in _addresses_of(user):
        raise ValidationError(
            _("This invitation was sent to %(email)s; log in with that address to accept it.")
            % {"email": invitation.email}
        )
    member = add_company_member(invitation.company, user=user, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return member


@transaction.atomic
def revoke_invitation(invitation, *, by):
    """Withdraw an open invitation (one withdrawn already stays so); refused once accepted,
    which is read under the invitation's lock, as accepting it takes."""
    locked = CompanyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise ValidationError(
            _("%(email)s has already accepted this invitation; remove them from the team instead.")
            % {"email": locked.email}
        )
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    invitation.revoked_at = locked.revoked_at
    return locked


# --- Applications -------------------------------------------------------------------------


class ProfileConflict(ValidationError):
    """The company profile changed since this person opened it; nothing was saved."""

    def __init__(self, current):
        super().__init__(_("A colleague saved the profile after you opened it."))
        self.current = current


class DraftConflict(ValidationError):
    """The draft changed since this person loaded it; nothing was saved."""

    def __init__(self, current):
        super().__init__(_("Someone else saved this draft after you opened it."))
        self.current = current


class NotADraft(ValidationError):
    """The application was submitted or withdrawn since this person opened it; nothing was
    saved."""

    def __init__(self):
        super().__init__(_("This application is no longer a draft and cannot change."))


DRAFT_FIELDS = [
    "proposed_start",
    "proposed_end",
    "objectives",
    "objectives_detail",
    "potential_market",
    "proven_product",
    "why_this_market",
    "export_readiness",
    "travellers",
]

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
# Content is checked by its first bytes, never by the file's name.
SIGNATURES = [
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
]


@transaction.atomic
def transition_application(application, *, to, by, note=""):
    """The one way an application's status changes: row lock, TRANSITIONS check, audit row
    (ApplicationEvent), notified after commit. As change_email_status (portal),
    change_run_status and close_offer (selecting) for the other lifecycles."""
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if to not in TRANSITIONS[locked.status]:
        raise ValidationError(
            _("An application that is %(current)s cannot become %(target)s.")
            % {
                "current": ApplicationStatus(locked.status).label.lower(),
                "target": ApplicationStatus(to).label.lower(),
            }
        )
    ApplicationEvent.objects.create(
        application=locked, actor=by, from_status=locked.status, to_status=to, note=note
    )
    follow_status_change(locked, was=locked.status, to=to)
    locked.status = to
    fields = ["status", "updated_at"]
    if to == ApplicationStatus.SUBMITTED:
        locked.submitted_at = timezone.now()
        fields.append("submitted_at")
    locked.save(update_fields=fields)
    application.status, application.submitted_at = locked.status, locked.submitted_at
    return locked


@transaction.atomic
def start_application(company, intake, *, by):
    """A new draft for an open intake; a company has at most one live application per intake."""
    if phase_of(intake) != Phase.OPEN:
        raise ValidationError(_("This intake is not open for applications."))
    if company.applications.filter(intake=intake, status__in=LIVE_STATUSES).exists():
        raise ValidationError(_("Your company already has an application for this intake."))
    try:
        with transaction.atomic():
            application = Application.objects.create(
                company=company, intake=intake, created_by=by, updated_by=by
            )
            follow_status_change(application, to=application.status)
    except IntegrityError as error:
        raise ValidationError(
            _("Your company already has an application for this intake.")
        ) from error
    ApplicationEvent.objects.create(
        application=application, actor=by, to_status=ApplicationStatus.DRAFT
    )
    return application


def _lock_draft(application, *, version, editor=""):
    """The draft, locked; refused if someone else saved it since ``version`` was read.

    ``editor`` names one open page. A newer version saved from that same page (its own
    autosave racing its Save button) is not a conflict: it is the same person's typing.
    """
    # Only the row: saving answers (most saves) reads nothing of the intake; the budget and
    # hosts steps load it when they check against it.
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status != ApplicationStatus.DRAFT:
        raise NotADraft()
    stale = version is not None and locked.version != version
    if stale and not (editor and locked.last_editor == editor):
        raise DraftConflict(locked)
    return locked


def _bump(locked, *, by, fields, editor=""):
    locked.version += 1
    locked.updated_by = by
    locked.last_editor = editor
    locked.save(update_fields=[*fields, "version", "updated_by", "last_editor", "updated_at"])
    return locked


@transaction.atomic
def save_draft(application, *, by, version, editor="", **fields):
    """Save part of a draft if nobody saved it since ``version``; returns the new draft."""
    locked = _lock_draft(application, version=version, editor=editor)
    for name, value in fields.items():
        if name not in DRAFT_FIELDS:
            raise ValueError(name)
        setattr(locked, name, value)
    return _bump(locked, by=by, fields=list(fields), editor=editor)


@transaction.atomic
def set_host_preferences(application, *, by, version, hosts, editor=""):
    locked = _lock_draft(application, version=version, editor=editor)
    offered = set(locked.intake.desk_offers.values_list("host_id", flat=True))
    if len(hosts) > locked.intake.max_host_preferences:
        raise ValidationError(
            _("Rank at most %(n)s hosts.") % {"n": locked.intake.max_host_preferences}
        )
    if len({host.pk for host in hosts}) != len(hosts):
        raise ValidationError(_("Each host can be ranked once."))
    if any(host.pk not in offered for host in hosts):
        raise ValidationError(_("Choose among the hosts that offer desks in this intake."))
    # The work row before the filters are read, as a change of status takes it: a sector or
    # a score changed meanwhile is then not counted twice.
    lock_work(locked.intake_id)
    before = filters_of([locked.pk])[locked.pk]
    locked.host_preferences.all().delete()
    HostPreference.objects.bulk_create(
        HostPreference(application=locked, host=host, rank=rank)
        for rank, host in enumerate(hosts, start=1)
    )
    after = filters_of([locked.pk])[locked.pk]
    count_filters(locked.intake_id, locked.status, before - after, -1)
    count_filters(locked.intake_id, locked.status, after - before, 1)
    return _bump(locked, by=by, fields=[], editor=editor)


def budget_total(lines):
    total = Money(0, settings.PORTAL_CURRENCY)
    for line in lines:
        total += line.amount_converted
    return total


@transaction.atomic
def set_budget(application, *, by, version, lines, editor=""):
    """Replace the budget with (category, description, amount) lines, converted and capped."""
    locked = _lock_draft(application, version=version, editor=editor)
    # A line saved before keeps the rate it was converted at: a new day's rate changes
    # only lines that are new or edited.
    earlier = {
        (line.category, line.description, line.amount): (line.amount_converted, line.rate)
        for line in locked.budget_lines.all()
    }
    rows = []
    for position, (category, description, amount) in enumerate(lines):
        key = (category, description, amount)
        converted, rate = earlier[key] if key in earlier else to_program_currency(amount)
        rows.append(
            BudgetLine(
                application=locked,
                category=category,
                description=description,
                amount=amount,
                rate=rate,
                amount_converted=converted,
                position=position,
            )
        )
    total = budget_total(rows)
    cap, _rate = to_program_currency(locked.intake.stipend_cap)
    if total > cap:
        raise ValidationError(
            _("The budget comes to %(total)s, above the stipend cap of %(cap)s.")
            % {"total": total, "cap": cap}
        )
    locked.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(rows)
    locked.budget_total = total if rows else None
    return _bump(locked, by=by, fields=["budget_total", "budget_total_currency"], editor=editor)


def sniff_content_type(upload):
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return None


@transaction.atomic
def add_document(application, *, by, kind, upload, once=""):
    """Keep an uploaded file of a draft, checked by its content. A form sent again (``once``,
    its token) keeps nothing more: None (a double click stored the file twice)."""
    locked = _lock_draft(application, version=None)
    if upload.size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            _("The file is %(size)s MB; the limit is 10 MB.")
            % {"size": round(upload.size / 1024 / 1024, 1)}
        )
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(_("This file is not a PDF, PNG or JPEG, whatever its name says."))
    if not first_sending(once):
        return None
    document = ApplicationDocument(
        application=locked,
        kind=kind,
        original_name=upload.name[:255],
        content_type=content_type,
        size=upload.size,
        uploaded_by=by,
    )
    keep_upload(document.file, "upload", upload)
    document.save()
    return document


@transaction.atomic
def remove_document(document, *, by):
    _lock_draft(document.application, version=None)
    delete_file_on_commit(document.file)
    document.delete()


def missing_items(application):
    """What still stands between a draft and a complete application, in plain words."""
    intake = application.intake
    missing = []
    preferences = list(application.host_preferences.all())
    offered = {offer.host_id for offer in intake.desk_offers.all()}
    if not preferences:
        missing.append(_("Rank at least one host incubator."))
    elif len(preferences) > intake.max_host_preferences:
        missing.append(_("Rank at most %(n)s hosts.") % {"n": intake.max_host_preferences})
    if any(preference.host_id not in offered for preference in preferences):
        missing.append(_("A host you ranked no longer offers desks in this intake; rank again."))
    if not (application.proposed_start and application.proposed_end):
        missing.append(_("Propose the dates of the stay."))
    else:
        missing.extend(date_problems(intake, application.proposed_start, application.proposed_end))
    if not application.objectives:
        missing.append(_("Choose at least one objective for the stay."))
    for field in ["potential_market", "proven_product", "why_this_market", "export_readiness",
                  "travellers"]:  # fmt: skip
        if not getattr(application, field).strip():
            label = Application._meta.get_field(field).verbose_name
            missing.append(_("Answer the question “%(question)s”.") % {"question": label})
    lines = list(application.budget_lines.all())
    if not lines:
        missing.append(_("Add the budget lines the stipend should cover."))
    else:
        cap, _rate = to_program_currency(intake.stipend_cap)
        if budget_total(lines) > cap:
            missing.append(
                _("The budget is above the stipend cap of %(cap)s; lower it.") % {"cap": cap}
            )
    kinds = {document.kind for document in application.documents.all()}
    if DocumentKind.PITCH_DECK not in kinds:
        missing.append(_("Upload a pitch deck."))
    return missing


def _applicants(application):
    """The company's members as (address, language), for queue_email_to_people."""
    return queries.member_recipients([application.company_id]).get(application.company_id, [])


@transaction.atomic
def submit_application(application, *, by, now=None):
    """Submit a complete draft before its deadline, checked now, on the server."""
    now = now or timezone.now()
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("intake", "company")
        .get(pk=application.pk)
    )
    if locked.status != ApplicationStatus.DRAFT:
        raise ValidationError(_("This application has already been submitted or withdrawn."))
    if locked.intake.slate_confirmed_at is not None:
        # Its decisions are made: submitted now, it would wait in review for ever.
        raise ValidationError(
            _("This intake's decisions are made; the application can no longer be submitted.")
        )
    if now >= locked.deadline:
        raise ValidationError(
            _("The deadline passed at %(deadline)s; the application stays a draft.")
            % {"deadline": moment_text(locked.deadline, locked.intake.time_zone)}
        )
    missing = missing_items(locked)
    if missing:
        raise ValidationError(missing)
    submitted = transition_application(locked, to=ApplicationStatus.SUBMITTED, by=by)
    from applications.tasks import screen_application  # tasks import services

    queue_task(screen_application, application_id=submitted.pk)
    # transition_application set the new status on ``locked``, which has its intake and
    # company loaded already.
    context = {"application": locked, "company": locked.company, "intake": locked.intake}
    queue_email_to_people(
        _applicants(locked),
        key=f"application-submitted:{locked.pk}",
        template="applications/email/submitted",
        context=context,
        intake_ref=locked.intake_id,
    )
    application.status, application.submitted_at = submitted.status, submitted.submitted_at
    return submitted


@transaction.atomic
def withdraw_application(application, *, by, note=""):
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if locked.status == ApplicationStatus.WITHDRAWN:
        # A second click on Withdraw, or a page left open after a colleague withdrew it.
        raise ValidationError(_("This application is already withdrawn."))
    return transition_application(application, to=ApplicationStatus.WITHDRAWN, by=by, note=note)


@transaction.atomic
def extend_deadline(application, *, by, until, reason, message=""):
    """Give one applicant more time; recorded with its reason (for staff) and a message to
    the applicant (which they read in their history) in the history."""
    if not reason.strip():
        raise ValidationError(_("Say why the deadline is extended."))
    locked = (
        Application.objects.select_for_update(of=("self",))
        .select_related("intake")
        .get(pk=application.pk)
    )
    if until <= locked.intake.closes_at:
        raise ValidationError(_("An extension must end after the intake closes."))
    if locked.intake.slate_confirmed_at is not None:
        raise ValidationError(_("This intake's decisions are made: no deadline can be extended."))
    locked.deadline_override = until
    locked.save(update_fields=["deadline_override", "updated_at"])
    ApplicationEvent.objects.create(
        application=locked,
        actor=by,
        note=_("Deadline extended to %(until)s: %(reason)s")
        % {
            "until": moment_text(until, locked.intake.time_zone),
            "reason": reason,
        },
        applicant_note=message.strip(),
    )
    return locked


def tell_earlier_close(intake, before, after):
    """Tell the owners of the drafts an earlier closing time cuts short, each in their
    language (programs.deadlines calls this when a manager moves the close forward)."""
    drafts = list(queries.drafts_cut_short(intake, before).select_related("company", "intake"))
    recipients = queries.member_recipients({draft.company_id for draft in drafts})
    for draft in drafts:
        context = {
            "application": draft,
            "company": draft.company,
            "intake": intake,
            "before": before,
            "deadline": draft.deadline,
            "link": link_to("applications:step", draft.pk, "review"),
        }
        queue_email_to_people(
            recipients.get(draft.company_id, []),
            key=f"deadline-earlier:{draft.pk}:{after.isoformat()}",
            template="applications/email/deadline_earlier",
            context=context,
            intake_ref=intake.pk,
        )


REMINDERS = [72, 24]  # hours before the deadline


def remind_drafts(now=None):
    """Queue the 72- and 24-hour reminders that are due; the outbox key makes each one once."""
    now = now or timezone.now()
    horizon = now + datetime.timedelta(hours=max(REMINDERS))
    drafts = list(
        Application.objects.filter(status=ApplicationStatus.DRAFT)
        .filter(
            Q(intake__closes_at__gt=now, intake__closes_at__lte=horizon)
            | Q(deadline_override__gt=now, deadline_override__lte=horizon)
        )
        .select_related("intake", "company")
    )
    recipients = queries.member_recipients({application.company_id for application in drafts})
    for application in drafts:
        left = application.deadline - now
        if left <= datetime.timedelta(0):
            continue
        due = [hours for hours in REMINDERS if left <= datetime.timedelta(hours=hours)]
        if not due:  # an extension moved this draft's deadline further away
            continue
        # Only the nearest reminder that is due: a draft found 20 hours out gets the
        # 24-hour one, not a late 72-hour one as well.
        hours = min(due)
        context = {
            "application": application,
            "intake": application.intake,
            "company": application.company,
            "hours": hours,
            "link": link_to("applications:step", application.pk, "review"),
        }
        with transaction.atomic():
            queue_email_to_people(
                recipients.get(application.company_id, []),
                # An extended draft's reminders are its own deadline's, sent again for it.
                key=f"draft-reminder:{application.pk}:{hours}"
                if application.deadline == application.intake.closes_at
                else f"draft-reminder:{application.pk}:{application.deadline:%Y%m%d%H%M}:{hours}",
                template="applications/email/reminder",
                context=context,
                intake_ref=application.intake_id,
            )
