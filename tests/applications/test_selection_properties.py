"""The selection solver against brute force, on small problems hypothesis draws and shrinks:
every answer is proven optimal, feasible (``breaks`` finds nothing), never below the greedy
baseline, and gives every applicant not offered a place exactly one reason."""

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications import selection
from applications.selection import Candidate, Problem
from tests.applications.test_selection import brute_force

HOSTS = [1, 2, 3]
REASONS = {
    selection.BELOW_MINIMUM,
    selection.NOT_A_FIT,
    selection.SECTOR_CAP,
    selection.MARKET_CAP,
    selection.HOSTS_FULL,
    selection.BUDGET,
    selection.OUTRANKED,
}


@st.composite
def problems(draw):
    hosts = HOSTS[: draw(st.integers(1, 3))]
    count = draw(st.integers(0, 6))
    candidates = [
        Candidate(
            key=key,
            merit=Decimal(draw(st.integers(0, 100))) + Decimal(draw(st.integers(0, 99))) / 100,
            stipend=Decimal(draw(st.sampled_from([0, 1500, 2500, 4000]))),
            preferences=tuple(draw(st.permutations(hosts))[: draw(st.integers(1, len(hosts)))]),
            sector=draw(st.sampled_from(["it", "finance", ""])),
        )
        for key in range(1, count + 1)
    ]
    pairs = [(c.key, host) for c in candidates for host in c.preferences]
    not_a_fit = frozenset(draw(st.lists(st.sampled_from(pairs), max_size=3)) if pairs else [])
    return Problem(
        candidates=candidates,
        desks={host: draw(st.integers(0, 2)) for host in hosts},
        budget=Decimal(draw(st.sampled_from([0, 1500, 4000, 6500, 20000]))),
        min_score=Decimal(draw(st.sampled_from([0, 40, 60]))),
        rank_penalty=Decimal(draw(st.sampled_from([0, 5, 20, 60]))),
        not_a_fit=not_a_fit,
        host_market={host: "BR" if host == 1 else "DE" for host in hosts},
        market_caps=draw(st.sampled_from([{}, {"BR": 0}, {"BR": 1}, {"DE": 1}])),
        sector_caps=draw(st.sampled_from([{}, {"it": 0}, {"it": 1}, {"finance": 1}])),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_the_solver_matches_brute_force_and_breaks_nothing(problem):
    outcome = selection.solve(problem)
    assert outcome.objective == brute_force(problem)
    assert (outcome.gap, outcome.status) == (0, "optimal")
    assert selection.breaks(problem, outcome.offers) == []
    assert outcome.objective >= selection.greedy(problem).objective
    keys = {candidate.key for candidate in problem.candidates}
    assert set(outcome.offers) | set(outcome.reasons) == keys
    assert set(outcome.offers) & set(outcome.reasons) == set()
    assert set(outcome.reasons.values()) <= REASONS
    assert set(outcome.waitlist) <= set(outcome.reasons)


@settings(max_examples=40, deadline=None)
@given(problems())
def test_the_greedy_baseline_is_feasible(problem):
    assert selection.breaks(problem, selection.greedy(problem).offers) == []
