"""The selection problem, solved exactly: who is offered which host.

Pure data in, pure data out (no models), so it can be tested against brute force and
benchmarked at any size. The selection run (a Celery task) loads an intake's shortlist into a
``Problem``, calls ``solve`` and stores the ``Outcome``.

The integer program, one binary x[a, h] for each applicant a and each host h it ranked
(dropped when a's score is below the minimum or the host said "not a fit"):

    maximise   sum value[a, h] * x[a, h]
               value = merit(a) - rank_penalty * (rank of h in a's list - 1), in hundredths
    subject to sum over h of x[a, h] <= 1             (one host per applicant)
               sum over a of x[a, h] <= desks[h]      (the host's desks in the intake)
               sum stipend[a] * x[a, h] <= budget     (the intake's pool, in cents)
               sum over a in a market's hosts <= cap  (optional, per market)
               sum over a of a sector <= cap          (optional, per sector)

solved by HiGHS through SciPy's ``milp`` with a relative gap of 0 (proven optimal). Pairs whose
value is not positive are left out: offering them cannot raise the total. Values and money are
integers (hundredths of a point, cents), so equal totals are equal exactly; among equal totals
the solver's choice is deterministic for the same input, which is built in a fixed order.
"""

import time
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_array


@dataclass(frozen=True)
class Candidate:
    key: int  # the application's id
    merit: Decimal  # its score (calibrated if the intake says so), 0-100
    stipend: Decimal  # requested, already capped at the intake's stipend cap
    preferences: tuple  # host ids, best first
    sector: str = ""


@dataclass(frozen=True)
class Problem:
    candidates: list
    desks: dict  # host id -> desks offered in the intake
    budget: Decimal
    min_score: Decimal = Decimal(0)
    rank_penalty: Decimal = Decimal(0)  # points off per step down the preference list
    not_a_fit: frozenset = frozenset()  # (application id, host id)
    host_market: dict = field(default_factory=dict)  # host id -> market code
    market_caps: dict = field(default_factory=dict)  # market code -> at most this many
    sector_caps: dict = field(default_factory=dict)  # sector code -> at most this many


# Why a shortlisted applicant was not offered a place, checked in this order.
BELOW_MINIMUM = "below-minimum"
NOT_A_FIT = "not-a-fit"
SECTOR_CAP = "sector-cap"
MARKET_CAP = "market-cap"
HOSTS_FULL = "hosts-full"
BUDGET = "budget"
OUTRANKED = "outranked"  # the best total used its desks and money on others


@dataclass
class Outcome:
    offers: dict  # application id -> host id
    objective: Decimal  # total value of the offers, in points
    gap: float  # the solver's relative optimality gap (0: proven optimal)
    seconds: float
    waitlist: list  # application ids not offered but placeable, best first
    reasons: dict  # application id -> one of the reasons above
    status: str = "optimal"


def _cents(amount):
    return int((Decimal(amount) * 100).to_integral_value())


def pairs(problem):
    """The (candidate index, host, rank, value in hundredths) the program may choose."""
    chosen = []
    for index, candidate in enumerate(problem.candidates):
        if candidate.merit < problem.min_score:
            continue
        for rank, host in enumerate(candidate.preferences):
            if host not in problem.desks or (candidate.key, host) in problem.not_a_fit:
                continue
            value = _cents(candidate.merit - problem.rank_penalty * rank)
            if value > 0:
                chosen.append((index, host, rank, value))
    return chosen


def solve(problem, *, time_limit=300.0):
    """The offers that maximise the total value under every constraint, proven optimal."""
    started = time.perf_counter()
    options = pairs(problem)
    if not options:
        return _outcome(problem, {}, 0, 0.0, started)
    count = len(options)
    hosts = sorted(problem.desks)
    host_row = {host: row for row, host in enumerate(hosts)}
    rows, cols, data, upper = [], [], [], []

    def add_rows(groups, limit_of):
        base = len(upper)
        for offset, (name, members) in enumerate(groups.items()):
            for column, coefficient in members:
                rows.append(base + offset)
                cols.append(column)
                data.append(coefficient)
            upper.append(limit_of(name))

    per_candidate, per_host, per_market, per_sector = {}, {}, {}, {}
    budget = []
    for column, (index, host, _rank, _value) in enumerate(options):
        candidate = problem.candidates[index]
        per_candidate.setdefault(index, []).append((column, 1))
        per_host.setdefault(host_row[host], []).append((column, 1))
        budget.append((column, _cents(candidate.stipend)))
        market = problem.host_market.get(host)
        if market in problem.market_caps:
            per_market.setdefault(market, []).append((column, 1))
        if candidate.sector in problem.sector_caps:
            per_sector.setdefault(candidate.sector, []).append((column, 1))
    add_rows(per_candidate, lambda _index: 1)
    add_rows(per_host, lambda row: problem.desks[hosts[row]])
    add_rows({"budget": budget}, lambda _name: _cents(problem.budget))
    add_rows(per_market, lambda market: problem.market_caps[market])
    add_rows(per_sector, lambda sector: problem.sector_caps[sector])

    matrix = coo_array(
        (np.array(data, dtype=float), (np.array(rows), np.array(cols))),
        shape=(len(upper), count),
    ).tocsr()
    values = np.array([value for _i, _h, _r, value in options], dtype=float)
    result = milp(
        c=-values,
        integrality=np.ones(count),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(matrix, -np.inf, np.array(upper, dtype=float)),
        options={"mip_rel_gap": 0.0, "time_limit": time_limit, "presolve": True},
    )
    if result.x is None:
        raise RuntimeError(f"The solver found no solution: {result.message}")
    offers = {}
    total = 0
    for column in np.flatnonzero(result.x > 0.5):
        index, host, _rank, value = options[column]
        offers[problem.candidates[index].key] = host
        total += value
    gap = float(getattr(result, "mip_gap", 0.0) or 0.0)
    outcome = _outcome(problem, offers, total, gap, started)
    outcome.status = "optimal" if result.status == 0 else "time-limit"
    return outcome


def _at_cap(counts, caps, key):
    return key in caps and counts.get(key, 0) >= caps[key]


def greedy(problem):
    """The baseline: best merit first, each to its best host that still has room."""
    started = time.perf_counter()
    left = dict(problem.desks)
    money = _cents(problem.budget)
    markets, sectors = {}, {}
    allowed = {}
    for index, host, rank, value in pairs(problem):
        allowed.setdefault(index, []).append((rank, host, value))
    order = sorted(allowed, key=lambda i: (-problem.candidates[i].merit, problem.candidates[i].key))
    offers, total = {}, 0
    for index in order:
        candidate = problem.candidates[index]
        cost = _cents(candidate.stipend)
        if cost > money or _at_cap(sectors, problem.sector_caps, candidate.sector):
            continue
        for _rank, host, value in sorted(allowed[index]):
            market = problem.host_market.get(host)
            if left[host] <= 0 or _at_cap(markets, problem.market_caps, market):
                continue
            left[host] -= 1
            money -= cost
            markets[market] = markets.get(market, 0) + 1
            sectors[candidate.sector] = sectors.get(candidate.sector, 0) + 1
            offers[candidate.key] = host
            total += value
            break
    return _outcome(problem, offers, total, 0.0, started)


def _outcome(problem, offers, total, gap, started):
    reasons, waitlist = explain(problem, offers)
    return Outcome(
        offers=offers,
        objective=Decimal(total) / 100,
        gap=gap,
        seconds=time.perf_counter() - started,
        waitlist=waitlist,
        reasons=reasons,
    )


def explain(problem, offers):
    """(reason per applicant not offered, waitlist best first) for a set of offers."""
    used = {}
    for host in offers.values():
        used[host] = used.get(host, 0) + 1
    spent = sum(_cents(c.stipend) for c in problem.candidates if c.key in offers)
    money_left = _cents(problem.budget) - spent
    by_market, by_sector = {}, {}
    for candidate in problem.candidates:
        if candidate.key in offers:
            market = problem.host_market.get(offers[candidate.key])
            by_market[market] = by_market.get(market, 0) + 1
            by_sector[candidate.sector] = by_sector.get(candidate.sector, 0) + 1
    reasons, waitlist = {}, []
    for candidate in problem.candidates:
        if candidate.key in offers:
            continue
        hosts = [h for h in candidate.preferences if h in problem.desks]
        fitting = [h for h in hosts if (candidate.key, h) not in problem.not_a_fit]
        if candidate.merit < problem.min_score:
            reasons[candidate.key] = BELOW_MINIMUM
            continue
        if not fitting:
            reasons[candidate.key] = NOT_A_FIT
            continue
        waitlist.append(candidate)
        open_markets = [
            h for h in fitting
            if not _at_cap(by_market, problem.market_caps, problem.host_market.get(h))
        ]  # fmt: skip
        if _at_cap(by_sector, problem.sector_caps, candidate.sector):
            reasons[candidate.key] = SECTOR_CAP
        elif not open_markets:
            reasons[candidate.key] = MARKET_CAP
        elif all(used.get(h, 0) >= problem.desks[h] for h in open_markets):
            reasons[candidate.key] = HOSTS_FULL
        elif _cents(candidate.stipend) > money_left:
            reasons[candidate.key] = BUDGET
        else:
            reasons[candidate.key] = OUTRANKED
    waitlist.sort(key=lambda c: (-c.merit, c.key))
    return reasons, [candidate.key for candidate in waitlist]


# Ways an adjusted slate can break the constraints (checked by ``breaks``).
OVER_DESKS = "over-desks"  # (host, offers, desks)
OVER_BUDGET = "over-budget"  # (cents offered, cents in the budget)
NOT_CHOSEN = "not-chosen"  # (application, host): the applicant did not rank that host
# BELOW_MINIMUM (application,), NOT_A_FIT (application, host),
# MARKET_CAP (market, offers, cap), SECTOR_CAP (sector, offers, cap) as above.


def breaks(problem, offers):
    """Every constraint ``offers`` (application id -> host id) breaks, as (kind, details)
    tuples in a fixed order; none when the slate is feasible. One host per applicant holds by
    construction (a dict)."""
    found = []
    by_key = {candidate.key: candidate for candidate in problem.candidates}
    per_host, per_market, per_sector = {}, {}, {}
    spent = 0
    for key, host in sorted(offers.items()):
        candidate = by_key[key]
        if candidate.merit < problem.min_score:
            found.append((BELOW_MINIMUM, (key,)))
        if host not in candidate.preferences:
            found.append((NOT_CHOSEN, (key, host)))
        elif (key, host) in problem.not_a_fit:
            found.append((NOT_A_FIT, (key, host)))
        per_host[host] = per_host.get(host, 0) + 1
        market = problem.host_market.get(host)
        per_market[market] = per_market.get(market, 0) + 1
        per_sector[candidate.sector] = per_sector.get(candidate.sector, 0) + 1
        spent += _cents(candidate.stipend)
    for host, count in sorted(per_host.items()):
        if count > problem.desks.get(host, 0):
            found.append((OVER_DESKS, (host, count, problem.desks.get(host, 0))))
    if spent > _cents(problem.budget):
        found.append((OVER_BUDGET, (spent, _cents(problem.budget))))
    for market, cap in sorted(problem.market_caps.items()):
        if per_market.get(market, 0) > cap:
            found.append((MARKET_CAP, (market, per_market[market], cap)))
    for sector, cap in sorted(problem.sector_caps.items()):
        if per_sector.get(sector, 0) > cap:
            found.append((SECTOR_CAP, (sector, per_sector[sector], cap)))
    return found
