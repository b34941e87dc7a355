from django.db.models import Count, Exists, Max, Prefetch, Q, Sum
from django.http import Http404
from django.utils import timezone
from django_countries import countries

from portal.enums import EmailStatus
from portal.models import OutgoingEmail
from portal.prepared import prepared
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


def programs_visible_to(user):
    """Programs a person works on as manager or reviewer (all of them for superusers)."""
    programs = Program.objects.all()
    if not user.is_superuser:
        programs = programs.filter(staff__user=user).distinct()
    return programs.prefetch_related(
        Prefetch("staff", queryset=ProgramStaff.objects.select_related("user"))
    )


@prepared
def _visible_program(user_id, program_id, *, superuser):
    programs = Program.objects.filter(pk=program_id)
    if superuser:
        return programs
    return programs.filter(staff__user=user_id).distinct()


def visible_program(user, pk):
    """The program if the person works on it (any role; every program for superusers),
    else a 404: the programs.view_program rule as a query, compiled once
    (portal/prepared.py)."""
    found = _visible_program.instances(user.pk, int(pk), superuser=user.is_superuser)
    if not found:
        raise Http404
    return found[0]


def program_staff(program):
    """(name, role, intake id or None) of everyone with a role in a program."""
    return [
        (full_name or email, role, intake_id)
        for full_name, email, role, intake_id in _program_staff.tuples(program.pk)
    ]


@prepared
def _program_staff(program_id):
    return (
        ProgramStaff.objects.filter(program=program_id)
        .order_by("pk")
        .values_list("user__full_name", "user__email", "role", "intake")
    )


def programs_with_role(user, role):
    """Programs in which a person has a role, by name (a list, for the dashboard)."""
    return _programs_with_role.instances(user.pk, role=role)


@prepared
def _programs_with_role(user_id, *, role):
    return Program.objects.filter(staff__user=user_id, staff__role=role).distinct().order_by("name")


def programs_managed_by(user):
    """Programs a person manages; the director (a superuser) oversees every one."""
    if user.is_superuser:
        return list(Program.objects.order_by("name"))
    return programs_with_role(user, StaffRole.MANAGER)


def programs_reviewed_by(user):
    return programs_with_role(user, StaffRole.REVIEWER)


def manages_or_directs(user_id):
    """Whether the person of that id manages a program or an intake, or is the director (an
    active superuser): who sees the manager's sections of the dashboard."""
    managers = ProgramStaff.objects.filter(user=user_id, role=StaffRole.MANAGER)
    return Q(is_superuser=True, is_active=True) | Q(Exists(managers))


def is_partner(user_id):
    """Whether the person of that id is partner staff of any host."""
    return Exists(HostIncubator.partner_staff.through.objects.filter(user=user_id))


def hosts_acting_for(user):
    """Host incubators a person is partner staff of, by name: dicts of their pk, name, city
    and market (the country's name)."""
    return [
        {"pk": pk, "name": name, "city": city, "market": countries.name(country)}
        for pk, name, city, country in _hosts_acting_for.tuples(user.pk)
    ]


@prepared
def _hosts_acting_for(user_id):
    return (
        HostIncubator.objects.filter(partner_staff=user_id)
        .order_by("name")
        .values_list("pk", "name", "city", "market__country")
    )


def hosts_visible_to(user):
    hosts = HostIncubator.objects.select_related("market").prefetch_related("partner_staff")
    if user.is_superuser:
        return hosts
    return hosts.filter(partner_staff=user)


def public_markets():
    """Markets for the public list, with their groups and host counts."""
    return (
        ForeignMarket.objects.annotate(host_count=Count("hosts", distinct=True))
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


# What a card of the public intake list shows; its hosts and sectors come from
# intake_hosts() and intake_sectors().
INTAKE_CARD_COLUMNS = (
    "pk", "title", "summary", "direction", "time_zone", "opens_at", "closes_at",
    "stipend_cap", "stipend_cap_currency", "max_stay_days", "program__name",
)  # fmt: skip


def public_intakes(now=None):
    """Published intakes still to open or open now, the soonest deadline first
    (INTAKE_CARD_COLUMNS)."""
    now = now or timezone.now()
    # The deadline is compared here, so the SQL stays fixed (compiled once); the few
    # intakes closed but not yet archived are read and dropped.
    return [intake for intake in _live_intakes.dicts() if intake["closes_at"] > now]


@prepared
def _live_intakes():
    return (
        Intake.objects.filter(published_at__isnull=False, archived_at__isnull=True)
        .order_by("closes_at", "pk")
        .values(*INTAKE_CARD_COLUMNS)
    )


def intake_hosts(intake_ids):
    """{intake id: [(host name, country code), ...]} by host name, for a list of intakes."""
    return _intake_host_names.grouped(*intake_ids)


@prepared
def _intake_host_names(*intake_ids):
    return (
        DeskOffer.objects.filter(intake__in=intake_ids)
        .order_by("host__name", "pk")
        .values_list("intake_id", "host__name", "host__market__country")
    )


def intake_sectors(intake_ids):
    """{intake id: [sector code, ...]} in the sectors' order, for a list of intakes."""
    return _intake_sector_codes.grouped(*intake_ids)


@prepared
def _intake_sector_codes(*intake_ids):
    return (
        Intake.sectors.through.objects.filter(intake__in=intake_ids)
        .order_by("sector__position", "sector_id")
        .values_list("intake_id", "sector__code")
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


# What a card of the public host directory shows; its sectors come from host_sectors().
HOST_CARD_COLUMNS = ("pk", "name", "city", "market__country", "desk_capacity", "services")


def host_directory():
    """Hosts with an active partnership, for the public directory and its filters."""
    return HostIncubator.objects.filter(partnership=PartnershipStatus.ACTIVE).order_by(
        "market__country", "city", "name"
    )


def markets_with_hosts():
    """Markets that have host incubators as (country code, name), for the directory's
    market filter."""
    return [(code, countries.name(code)) for (code,) in _markets_with_hosts.tuples()]


@prepared
def _markets_with_hosts():
    return (
        ForeignMarket.objects.filter(hosts__isnull=False)
        .distinct()
        .order_by("country")
        .values_list("country")
    )


def host_sectors(host_ids):
    """{host id: [sector code, ...]} in the sectors' order, for a page of hosts."""
    return _host_sector_codes.grouped(*host_ids)


@prepared
def _host_sector_codes(*host_ids):
    return (
        HostIncubator.sectors.through.objects.filter(hostincubator__in=host_ids)
        .order_by("sector__position", "sector_id")
        .values_list("hostincubator_id", "sector__code")
    )


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
        ForeignMarket.objects.annotate(host_count=Count("hosts", distinct=True))
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


def intakes_visible_to(user):
    """Intakes a person works on (all of them for superusers), for staff pages."""
    if user.is_superuser:
        intakes = Intake.objects.all()
    else:
        intakes = _intakes_of_staff(ProgramStaff.objects.filter(user=user))
    return intakes.select_related("program")


def intakes_managed_by(user):
    if user.is_superuser:
        return Intake.objects.all()
    return _intakes_of_staff(ProgramStaff.objects.filter(user=user, role=StaffRole.MANAGER))


@prepared
def _managed_intake(user_id, intake_id, *, superuser):
    if superuser:
        return Intake.objects.filter(pk=intake_id)
    staff = ProgramStaff.objects.filter(user=user_id, role=StaffRole.MANAGER)
    return _intakes_of_staff(staff).filter(pk=intake_id)


def managed_intake(user, pk):
    """The intake if the person manages it, else a 404 (someone else's intake is not there).
    Every page of an intake's staff starts here, so its SQL is compiled once
    (portal/prepared.py)."""
    found = _managed_intake.instances(user.pk, int(pk), superuser=user.is_superuser)
    if not found:
        raise Http404
    return found[0]


def intake_for_management(user):
    """A person's intakes with everything the intake's staff page shows."""
    return intakes_visible_to(user).prefetch_related(
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


# An intake's own columns that its phase (programs.phases) and the program page need.
PROGRAM_INTAKE_FIELDS = (
    "id", "title", "direction", "time_zone", "opens_at", "closes_at", "placement_starts_on",
    "placement_ends_on", "published_at", "archived_at", "slate_confirmed_at",
    "selection_started_at",
)  # fmt: skip


def intakes_of_program(program, user):
    """A program's intakes that this person works on, newest first: Intakes of
    PROGRAM_INTAKE_FIELDS only, with their host_total and desk_total."""
    intakes = []
    for row in _intakes_of_program.dicts(user.pk, program.pk, superuser=user.is_superuser):
        host_total, desk_total = row.pop("host_total"), row.pop("desk_total")
        intake = Intake(**row)
        intake.host_total, intake.desk_total = host_total, desk_total
        intakes.append(intake)
    return intakes


@prepared
def _intakes_of_program(user_id, program_id, *, superuser):
    intakes = Intake.objects.filter(program=program_id)
    if not superuser:
        intakes = intakes.filter(
            pk__in=_intakes_of_staff(ProgramStaff.objects.filter(user=user_id))
        )
    return (
        _with_totals(intakes)
        .order_by("-opens_at", "-pk")
        .values(*PROGRAM_INTAKE_FIELDS, "host_total", "desk_total")
    )


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
