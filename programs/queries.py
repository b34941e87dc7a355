from django.db.models import Count, Exists, Max, OuterRef, Prefetch, Q, Sum, Value
from django.utils import timezone
from django_countries import countries

from portal.dashboard import DIRECTOR, NO_SCOPE
from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from programs import rules
from programs.enums import PartnershipStatus, StaffRole
from programs.models import (
    DeskOffer,
    ExchangeRate,
    ForeignMarket,
    HostIncubator,
    Intake,
    IntakeChange,
    MarketGroup,
    Program,
    ProgramStaff,
    RubricCriterion,
    Sector,
    ServiceImportFigure,
)


def program_staff(program):
    """Everyone with a role in a program, with their user, in the order they were added."""
    return ProgramStaff.objects.filter(program=program).select_related("user").order_by("pk")


def programs_with_role(user, role):
    """Programs in which a person has a role, by name."""
    return Program.objects.filter(
        Exists(ProgramStaff.objects.filter(program=OuterRef("pk"), user=user, role=role))
    ).order_by("name")


def programs_managed_by(user):
    """Programs a person manages (for all their intakes or for one), by name; the director (a
    superuser) oversees every one."""
    if user.is_superuser:
        return Program.objects.order_by("name")
    programs = {program for program, intake in manager_roles(user)}
    return Program.objects.filter(pk__in=programs).order_by("name")


def programs_reviewed_by(user):
    return programs_with_role(user, StaffRole.REVIEWER)


# The role names the dashboard decides its sections from (portal.dashboard.register_roles),
# besides the StaffRole values.
PARTNER = "partner"


# The role rows' columns, built once: every signed-in request reads its person's rows by
# filtering these (a filter clones the query; building the columns again, with their
# expressions, on every request cost a third of reading the roles). Never iterate these
# themselves: a queryset keeps the rows it read, and these live as long as the process.
_STAFF_ROWS = ProgramStaff.objects.order_by().values_list("role", "program", "intake")
_PARTNER_ROWS = HostIncubator.partner_staff.through.objects.order_by().values_list(
    Value(PARTNER), *NO_SCOPE
)


def staff_roles(user_id):
    """The staff rows of the person of that id: (StaffRole value, program, intake or None for
    a program-wide role)."""
    return _STAFF_ROWS.filter(user=user_id)


def partner_role(user_id):
    """PARTNER when the person of that id is partner staff of any host."""
    return _PARTNER_ROWS.filter(user=user_id)


def manages_or_directs(roles):
    """Whether a person with these roles (portal.dashboard.roles_of) manages a program or an
    intake, or is the director (an active superuser): who sees the manager's sections of the
    dashboard."""
    return StaffRole.MANAGER in roles or DIRECTOR in roles


def hosts_acting_for(user):
    """Host incubators a person is partner staff of, by name, with their market."""
    return (
        HostIncubator.objects.filter(partner_staff=user).select_related("market").order_by("name")
    )


def partner_host_names(user):
    """{pk: name} of the host incubators a person is partner staff of."""
    return dict(hosts_acting_for(user).values_list("pk", "name"))


def sector_codes():
    """{pk: code} of the sectors (a short fixed list)."""
    return dict(sectors().values_list("pk", "code"))


def public_markets():
    """Markets for the public list, with their groups and host counts."""
    return (
        ForeignMarket.objects.annotate(
            # Those the market's page lists: an active partnership (the directory's rule).
            host_count=Count(
                "hosts", filter=Q(hosts__partnership=PartnershipStatus.ACTIVE), distinct=True
            )
        )
        .prefetch_related("groups")
        .order_by("country")
    )


def public_market(country_code):
    figures = ServiceImportFigure.objects.order_by("position")
    return ForeignMarket.objects.prefetch_related(
        Prefetch(
            "groups",
            queryset=MarketGroup.objects.prefetch_related(
                Prefetch("import_figures", queryset=figures)
            ),
        ),
        Prefetch(
            "hosts",
            queryset=HostIncubator.objects.filter(partnership=PartnershipStatus.ACTIVE).order_by(
                "name"
            ),
        ),
    ).filter(country=country_code.upper())


def public_groups():
    return MarketGroup.objects.prefetch_related(
        Prefetch("import_figures", queryset=ServiceImportFigure.objects.order_by("position")),
        Prefetch("markets", queryset=ForeignMarket.objects.order_by("country")),
    )


def group_names():
    """Groups for the markets page, which shows only their names and descriptions."""
    return MarketGroup.objects.all()


def groups_containing(country_code):
    """Groups that list a country; membership lives in MarketGroup.countries."""
    return [group for group in MarketGroup.objects.all() if country_code in group.countries]


def sectors():
    return Sector.objects.order_by("position")


def _desk_offers():
    return DeskOffer.objects.select_related("host__market").order_by("host__name")


def _with_totals(intakes):
    return intakes.annotate(
        desk_total=Sum("desk_offers__desks"),
        host_total=Count("desk_offers", distinct=True),
    )


def public_intakes(now=None):
    """Published intakes still to open or open now, the soonest deadline first, with what
    their cards show: the program, the hosts offering desks (by name) and the sectors."""
    now = now or timezone.now()
    return (
        Intake.objects.filter(
            published_at__isnull=False, archived_at__isnull=True, closes_at__gt=now
        )
        .select_related("program")
        .prefetch_related(
            Prefetch(
                "desk_offers",
                queryset=DeskOffer.objects.select_related("host__market").order_by(
                    "host__name", "pk"
                ),
            ),
            Prefetch("sectors", queryset=sectors()),
        )
        .order_by("closes_at", "pk")
    )


def public_intake():
    """Published intakes with everything their public page shows."""
    return (
        Intake.objects.filter(published_at__isnull=False)
        .select_related("program")
        .prefetch_related(
            "markets",
            "sectors",
            "allowed_sectors",
            Prefetch("desk_offers", queryset=_desk_offers().prefetch_related("host__sectors")),
            Prefetch("criteria", queryset=RubricCriterion.objects.order_by("position", "pk")),
        )
    )


def host_directory():
    """Hosts with an active partnership, for the public directory and its filters."""
    return HostIncubator.objects.filter(partnership=PartnershipStatus.ACTIVE).order_by(
        "market__country", "city", "name"
    )


def host_cards(hosts):
    """What a card of the public host directory shows: the market and the sectors served."""
    return hosts.select_related("market").prefetch_related(Prefetch("sectors", queryset=sectors()))


def markets_with_hosts():
    """Markets that have host incubators in the directory as (country code, name), for its
    market filter (a market of paused hosts only listed nothing)."""
    codes = (
        ForeignMarket.objects.filter(Exists(host_directory().filter(market=OuterRef("pk"))))
        .order_by("country")
        .values_list("country", flat=True)
    )
    return [(code, countries.name(code)) for code in codes]


def public_host():
    open_offers = _desk_offers().filter(
        intake__published_at__isnull=False, intake__closes_at__gt=timezone.now()
    )
    return (
        HostIncubator.objects.filter(partnership=PartnershipStatus.ACTIVE)
        .select_related("market")
        .prefetch_related(
            Prefetch("sectors", queryset=sectors()),
            Prefetch("desk_offers", queryset=open_offers.select_related("intake")),
        )
    )


def largest_live_desk_offer(host):
    """The most desks any intake not yet archived counts on at this host."""
    return (
        DeskOffer.objects.filter(host=host, intake__archived_at__isnull=True)
        .aggregate(most=Max("desks"))
        .get("most")
    )


def markets_for_management():
    # With what programs.rules reads to say who may change each market.
    return (
        ForeignMarket.objects.annotate(
            # Those the market's page lists: an active partnership (the directory's rule).
            host_count=Count(
                "hosts", filter=Q(hosts__partnership=PartnershipStatus.ACTIVE), distinct=True
            )
        )
        .prefetch_related(*rules.MARKET_RELIANCE)
        .order_by("country")
    )


def hosts_for_management():
    return (
        HostIncubator.objects.select_related("market")
        .prefetch_related(Prefetch("sectors", queryset=sectors()), *rules.HOST_RELIANCE)
        .annotate(partner_count=Count("partner_staff", distinct=True))
        .order_by("market__country", "name")
    )


def partner_changes(host):
    """The record of who was given or lost partner access to a host, newest first."""
    return host.partner_changes.select_related("changed_by")


def _intakes_of_staff(staff):
    # A program-wide role covers every intake of the program; a scoped one, its intake.
    return Intake.objects.filter(
        Q(program__in=staff.filter(intake__isnull=True).values("program"))
        | Q(pk__in=staff.filter(intake__isnull=False).values("intake"))
    )


def intakes_managed_by(user):
    """The intakes a person manages (the director: every one), by their program pks and
    intake pks: a plain IN list in every query that filters by it, cheap to build and to plan.
    The person's manager roles are asked once per user object (manager_roles)."""
    return Intake.objects.filter(managed_by(user, intake=None))


def managed_by(user, intake="intake"):
    """A filter for the rows whose intake (reached through ``intake``; None for intakes
    themselves) the person manages (the director: every row): IN lists of the programs and
    intakes of their manager roles, on the row's own join, with no subquery over intakes to
    build and plan. Only the parts the person has: most managers manage whole programs (one
    IN list, no OR); a person with no such role matches nothing."""
    if user.is_superuser:
        return Q()
    roles = manager_roles(user)
    programs = [program for program, intake_pk in roles if intake_pk is None]
    intakes = [intake_pk for program, intake_pk in roles if intake_pk is not None]
    by_intake = Q(**{f"{intake or 'pk'}__in": intakes})
    if not programs:
        return by_intake
    by_program = Q(**{f"{intake}__program__in" if intake else "program__in": programs})
    return by_program | by_intake if intakes else by_program


def manager_roles(user):
    """The person's manager staff rows as (program pk, intake pk or None), from their staff
    rows (rules.staff_rows: one query per request, however many of a page's queries filter
    by the intakes the person manages)."""
    return [
        (program, intake)
        for role, program, intake in rules.staff_rows(user)
        if role == StaffRole.MANAGER
    ]


def intake_for_management():
    """Intakes with everything the intake's staff page shows."""
    return Intake.objects.select_related("program").prefetch_related(
        "markets",
        "sectors",
        "allowed_sectors",
        Prefetch("desk_offers", queryset=_desk_offers()),
        Prefetch("criteria", queryset=RubricCriterion.objects.order_by("position", "pk")),
        Prefetch(
            "changes", queryset=IntakeChange.objects.select_related("changed_by").order_by("-pk")
        ),
        Prefetch("staff", queryset=ProgramStaff.objects.select_related("user")),
    )


def intakes_of_program(program, user):
    """A program's intakes that this person works on, newest first, with their host_total
    and desk_total."""
    intakes = Intake.objects.filter(program=program)
    if not user.is_superuser:
        intakes = intakes.filter(pk__in=_intakes_of_staff(ProgramStaff.objects.filter(user=user)))
    return _with_totals(intakes).order_by("-opens_at", "-pk")


def program_staff_of(intake):
    """Everyone who works on an intake: program-wide staff and the intake's own."""
    return (
        ProgramStaff.objects.filter(program_id=intake.program_id)
        .filter(Q(intake__isnull=True) | Q(intake=intake))
        .select_related("user", "intake")
        .order_by("role", "user__full_name", "user__email")
    )


def rate_for(currency, on=None):
    """The exchange rate in force for a currency on a day, or None if none is recorded."""
    on = on or timezone.localdate()
    return (
        ExchangeRate.objects.filter(currency=currency, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )


def current_rates(on=None):
    """{currency: rate} in force on a day, for every currency with a recorded rate."""
    on = on or timezone.localdate()
    rates = {}
    for rate in ExchangeRate.objects.filter(valid_from__lte=on).order_by("currency", "-valid_from"):
        rates.setdefault(rate.currency, rate.rate)
    return rates


def failed_emails_visible_to(user):
    """Outbox emails that failed, as a person may see them: the director (a superuser) every
    one, a manager those about the intakes they manage (the programs.retry_email rule as a
    query); the last failure first."""
    emails = OutgoingEmail.objects.filter(status=EmailStatus.FAILED)
    if not user.is_superuser:
        emails = emails.filter(intake_ref__in=intakes_managed_by(user).values("pk"))
    return emails.order_by("-last_attempt_at", "-pk")


def intake_titles(intake_ids):
    """{intake id: title} for the intakes named, in one query."""
    return dict(Intake.objects.filter(pk__in=set(intake_ids)).values_list("pk", "title"))
