"""The selection solver: proven optimal against brute force on small random instances."""

import itertools
import random
from decimal import Decimal

import pytest

from applications import selection
from applications.selection import Candidate, Problem


def brute_force(problem):
    """The best total over every way of giving each applicant one of its hosts or none."""
    options = {}
    for index, host, _rank, value in selection.pairs(problem):
        options.setdefault(index, []).append((host, value))
    indexes = sorted(options)
    best = 0
    for choice in itertools.product(*[[None, *options[i]] for i in indexes]):
        desks, money, markets, sectors, total = {}, 0, {}, {}, 0
        for index, picked in zip(indexes, choice, strict=True):
            if picked is None:
                continue
            host, value = picked
            candidate = problem.candidates[index]
            desks[host] = desks.get(host, 0) + 1
            money += selection._cents(candidate.stipend)
            market = problem.host_market.get(host)
            markets[market] = markets.get(market, 0) + 1
            sectors[candidate.sector] = sectors.get(candidate.sector, 0) + 1
            total += value
        if (
            all(n <= problem.desks[h] for h, n in desks.items())
            and money <= selection._cents(problem.budget)
            and all(markets.get(m, 0) <= cap for m, cap in problem.market_caps.items())
            and all(sectors.get(s, 0) <= cap for s, cap in problem.sector_caps.items())
        ):
            best = max(best, total)
    return Decimal(best) / 100


def random_problem(seed):
    rng = random.Random(seed)
    hosts = list(range(1, rng.randint(2, 3) + 1))
    candidates = [
        Candidate(
            key=key,
            merit=Decimal(rng.randint(30, 95)),
            stipend=Decimal(rng.choice([1500, 2500, 4000])),
            preferences=tuple(rng.sample(hosts, rng.randint(1, len(hosts)))),
            sector=rng.choice(["it", "finance"]),
        )
        for key in range(1, rng.randint(3, 6) + 1)
    ]
    not_a_fit = frozenset((c.key, c.preferences[0]) for c in candidates if rng.random() < 0.2)
    return Problem(
        candidates=candidates,
        desks={host: rng.randint(1, 2) for host in hosts},
        budget=Decimal(rng.choice([4000, 6500, 9000, 20000])),
        min_score=Decimal(rng.choice([0, 40, 60])),
        rank_penalty=Decimal(rng.choice([0, 5, 20])),
        not_a_fit=not_a_fit,
        host_market={host: "BR" if host == 1 else "DE" for host in hosts},
        market_caps={"BR": 1} if rng.random() < 0.3 else {},
        sector_caps={"it": 1} if rng.random() < 0.3 else {},
    )


@pytest.mark.parametrize("seed", range(60))
def test_the_solver_is_optimal_and_never_below_greedy(seed):
    problem = random_problem(seed)
    outcome = selection.solve(problem)
    assert outcome.objective == brute_force(problem)
    assert outcome.gap == 0
    assert outcome.objective >= selection.greedy(problem).objective


def test_greedy_can_be_beaten_and_reasons_are_plain():
    # Greedy gives the one desk at Host 1 to A (90), whose second choice was also open; the
    # optimum sends A to Host 2 at a 5-point penalty so that B (80) gets Host 1.
    a = Candidate(key=1, merit=Decimal(90), stipend=Decimal(1000), preferences=(1, 2))
    b = Candidate(key=2, merit=Decimal(80), stipend=Decimal(1000), preferences=(1,))
    low = Candidate(key=3, merit=Decimal(30), stipend=Decimal(1000), preferences=(2,))
    rich = Candidate(key=4, merit=Decimal(70), stipend=Decimal(4000), preferences=(2,))
    unfit = Candidate(key=5, merit=Decimal(75), stipend=Decimal(1000), preferences=(1,))
    problem = Problem(
        candidates=[a, b, low, rich, unfit],
        desks={1: 1, 2: 2},
        budget=Decimal(3000),
        min_score=Decimal(50),
        rank_penalty=Decimal(5),
        not_a_fit=frozenset({(5, 1)}),
    )
    outcome = selection.solve(problem)
    assert outcome.offers == {1: 2, 2: 1}
    assert outcome.objective == Decimal("165.00")
    assert selection.greedy(problem).objective == Decimal("90.00")
    assert outcome.reasons == {
        3: selection.BELOW_MINIMUM,
        4: selection.BUDGET,
        5: selection.NOT_A_FIT,
    }
    assert outcome.waitlist == [4]


def test_no_desks_or_no_budget_offers_nothing():
    a = Candidate(key=1, merit=Decimal(90), stipend=Decimal(1000), preferences=(1,))
    assert selection.solve(Problem(candidates=[a], desks={}, budget=Decimal(5000))).offers == {}
    outcome = selection.solve(Problem(candidates=[a], desks={1: 1}, budget=Decimal(0)))
    assert outcome.offers == {}
    assert outcome.reasons == {1: selection.BUDGET}
