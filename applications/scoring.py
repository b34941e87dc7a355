"""Score arithmetic: a review's weighted mean, an application's mean or median across its
reviewers, and reviewer calibration.

Every score is on 0-100: each criterion counts as the share of its scale it was given, so
criteria on different scales combine. "Not applicable" is left out of the weighted mean
(its weight too), never counted as zero.

Calibration: a harsh and a lenient reviewer should count alike. Each review score is
standardised against the reviewer's own scores in the intake (z = (s - mean_r) / sd_r) and
put back on the intake's scale (mean_all + sd_all * z), population standard deviations. A
reviewer whose scores do not vary (or who gave only one) is only shifted: s - mean_r + mean_all.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

TWO_PLACES = Decimal("0.01")


def rounded(value):
    if value is None:
        return None
    return Decimal(str(float(value))).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def review_score(values):
    """Weighted mean on 0-100 of (value or None, weight, scale_max); None if all are N/A."""
    total = Fraction(0)
    weights = 0
    for value, weight, scale_max in values:
        if value is None:
            continue
        total += Fraction(value, scale_max) * weight
        weights += weight
    if not weights:
        return None
    return rounded(total / weights * 100)


def combine(scores, how):
    """An application's score across its reviewers: "mean" or "median"."""
    scores = [Decimal(score) for score in scores if score is not None]
    if not scores:
        return None
    if how == "median":
        return rounded(statistics.median(scores))
    return rounded(sum(scores) / len(scores))


@dataclass(frozen=True)
class Combined:
    reviews_in: int
    raw_mean: Decimal | None
    raw_median: Decimal | None
    calibrated_mean: Decimal | None
    calibrated_median: Decimal | None
    spread: Decimal | None


def _mean_sd(values):
    mean = statistics.fmean(values)
    return mean, statistics.pstdev(values, mu=mean)


def calibrate(reviews):
    """{(application, reviewer): calibrated score} from (application, reviewer, score) rows,
    in one pass over the intake's reviews."""
    reviews = [(a, r, float(s)) for a, r, s in reviews if s is not None]
    if not reviews:
        return {}
    by_reviewer = defaultdict(list)
    for _application, reviewer, score in reviews:
        by_reviewer[reviewer].append(score)
    overall_mean, overall_sd = _mean_sd([score for _a, _r, score in reviews])
    stats = {reviewer: _mean_sd(scores) for reviewer, scores in by_reviewer.items()}
    calibrated = {}
    for application, reviewer, score in reviews:
        mean, sd = stats[reviewer]
        if sd == 0:
            value = score - mean + overall_mean
        else:
            value = overall_mean + overall_sd * (score - mean) / sd
        calibrated[application, reviewer] = rounded(value)
    return calibrated


def combine_intake(reviews):
    """{application: Combined} from all the intake's (application, reviewer, score) rows."""
    calibrated = calibrate(reviews)
    raw = defaultdict(list)
    adjusted = defaultdict(list)
    for application, reviewer, score in reviews:
        if score is None:
            continue
        raw[application].append(Decimal(score))
        adjusted[application].append(calibrated[application, reviewer])
    return {
        application: Combined(
            reviews_in=len(scores),
            raw_mean=combine(scores, "mean"),
            raw_median=combine(scores, "median"),
            calibrated_mean=combine(adjusted[application], "mean"),
            calibrated_median=combine(adjusted[application], "median"),
            spread=rounded(max(scores) - min(scores)),
        )
        for application, scores in raw.items()
    }


def score_field(intake):
    """The ApplicationScore column an intake ranks by, from its settings."""
    kind = "calibrated" if intake.calibrate_scores else "raw"
    return f"{kind}_{intake.score_aggregate}"
