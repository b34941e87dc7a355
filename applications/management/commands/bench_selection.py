"""Time the exact selection solver against a greedy baseline on a synthetic intake.

    python manage.py bench_selection --applications 10000 --hosts 40 --preferences 5

The intake is generated in memory (a fixed seed, so runs compare): scores from a skewed
distribution, stipends between 1,500 and the 4,000 cap, desks summing to about a tenth of the
applicants, a budget for about as many stipends, a few "not a fit" pairs.
"""

import random
import resource
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError

from applications import selection

TARGET_SECONDS = 30
TARGET_MEMORY_MIB = 1024


def synthetic(applications, hosts, preferences, seed=2026):
    rng = random.Random(seed)
    host_ids = list(range(1, hosts + 1))
    popularity = [1 / (1 + n / 8) for n in range(hosts)]  # some hosts far more wanted
    candidates = []
    for key in range(1, applications + 1):
        ranked = []
        while len(ranked) < min(preferences, hosts):
            host = rng.choices(host_ids, weights=popularity)[0]
            if host not in ranked:
                ranked.append(host)
        candidates.append(
            selection.Candidate(
                key=key,
                merit=Decimal(round(rng.betavariate(5, 2) * 100, 2)).quantize(Decimal("0.01")),
                stipend=Decimal(rng.randrange(1500, 4001, 50)),
                preferences=tuple(ranked),
                sector=rng.choice(["engineering", "it", "finance", "health", "other"]),
            )
        )
    seats = max(hosts, applications // 10)
    desks = {host: max(1, seats // hosts + rng.randint(-2, 2)) for host in host_ids}
    not_a_fit = frozenset((c.key, c.preferences[0]) for c in candidates if rng.random() < 0.02)
    return selection.Problem(
        candidates=candidates,
        desks=desks,
        budget=Decimal(2750 * seats * 9 // 10),
        min_score=Decimal(40),
        rank_penalty=Decimal(3),
        not_a_fit=not_a_fit,
        host_market={host: f"M{host % 17}" for host in host_ids},
    )


class Command(BaseCommand):
    help = "Solve a synthetic selection exactly and greedily; print time, objective and gap."

    def add_arguments(self, parser):
        parser.add_argument("--applications", type=int, default=10000)
        parser.add_argument("--hosts", type=int, default=40)
        parser.add_argument("--preferences", type=int, default=5)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, applications, hosts, preferences, seed, **options):
        started = time.perf_counter()
        problem = synthetic(applications, hosts, preferences, seed)
        built = time.perf_counter() - started
        exact = selection.solve(problem)
        quick = selection.greedy(problem)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB -> MiB
        pairs = len(selection.pairs(problem))
        self.stdout.write(
            f"{applications} applications, {hosts} hosts, {preferences} preferences each: "
            f"{pairs} possible pairs, {sum(problem.desks.values())} desks, "
            f"budget {problem.budget:,} (built in {built:.1f} s)\n"
        )
        self.stdout.write(f"{'':<10} {'seconds':>8} {'objective':>12} {'offers':>7} {'gap':>8}")
        self.stdout.write(
            f"{'exact':<10} {exact.seconds:>8.2f} {exact.objective:>12,.2f} "
            f"{len(exact.offers):>7} {exact.gap:>8.2g}  {exact.status}"
        )
        self.stdout.write(
            f"{'greedy':<10} {quick.seconds:>8.2f} {quick.objective:>12,.2f} {len(quick.offers):>7}"
        )
        self.stdout.write(
            f"\nExact over greedy: +{exact.objective - quick.objective:,.2f} points. "
            f"Peak memory of this process: {peak:,.0f} MiB."
        )
        self.stdout.write(
            f"Targets: proven optimal (gap 0) within {TARGET_SECONDS} s, under "
            f"{TARGET_MEMORY_MIB} MiB, never below greedy."
        )
        if (
            exact.gap > 0
            or exact.seconds > TARGET_SECONDS
            or peak > TARGET_MEMORY_MIB
            or exact.objective < quick.objective
        ):
            raise CommandError("A target was missed.")
