"""The score arithmetic, pinned with exact values."""

from decimal import Decimal

from applications import scoring


def test_a_review_is_the_weighted_mean_of_its_criteria_on_100():
    # (value, weight, scale): 4/5*3 + 2/5*2 + 5/5*2 = 5.2 over weights 7 = 74.2857...
    assert scoring.review_score([(4, 3, 5), (2, 2, 5), (5, 2, 5)]) == Decimal("74.29")


def test_not_applicable_is_left_out_with_its_weight_never_counted_as_zero():
    with_na = scoring.review_score([(4, 3, 5), (None, 3, 5), (2, 2, 5), (5, 2, 5)])
    assert with_na == Decimal("74.29")
    as_zero = scoring.review_score([(4, 3, 5), (0, 3, 5), (2, 2, 5), (5, 2, 5)])
    assert as_zero == Decimal("52.00")


def test_criteria_on_different_scales_count_as_shares_of_their_scale():
    assert scoring.review_score([(3, 1, 10), (2, 1, 4)]) == Decimal("40.00")


def test_a_review_of_only_not_applicable_has_no_score():
    assert scoring.review_score([(None, 3, 5), (None, 2, 5)]) is None


def test_mean_and_median_across_reviewers():
    scores = [Decimal("70"), Decimal("80"), Decimal("95")]
    assert scoring.combine(scores, "mean") == Decimal("81.67")
    assert scoring.combine(scores, "median") == Decimal("80.00")
    assert scoring.combine(scores[:2], "median") == Decimal("75.00")
    assert scoring.combine([], "mean") is None


def test_calibration_makes_a_harsh_and_a_lenient_reviewer_count_alike():
    # Harsh H gives 40 and 60 (mean 50, sd 10); lenient L gives 80 and 100 (mean 90, sd 10).
    # All four: mean 70, population sd sqrt(500) = 22.3607. Each reviewer's lower score is
    # z = -1 -> 70 - 22.36 = 47.64, the higher z = +1 -> 92.36.
    rows = [("a1", "H", 40), ("a2", "H", 60), ("a1", "L", 80), ("a3", "L", 100)]
    calibrated = scoring.calibrate(rows)
    assert calibrated == {
        ("a1", "H"): Decimal("47.64"),
        ("a2", "H"): Decimal("92.36"),
        ("a1", "L"): Decimal("47.64"),
        ("a3", "L"): Decimal("92.36"),
    }
    combined = scoring.combine_intake(rows)
    # a1 and a2 have the same raw mean (60); calibrated, a2 is H's best and a1 both
    # reviewers' worst.
    assert combined["a1"].raw_mean == combined["a2"].raw_mean == Decimal("60.00")
    assert combined["a1"].calibrated_mean == Decimal("47.64")
    assert combined["a2"].calibrated_mean == Decimal("92.36")
    assert combined["a3"].raw_mean == Decimal("100.00")
    assert combined["a3"].calibrated_mean == Decimal("92.36")
    assert combined["a1"].spread == Decimal("40.00")
    assert combined["a1"].reviews_in == 2
    assert combined["a1"].raw_median == Decimal("60.00")


def test_a_reviewer_whose_scores_do_not_vary_is_only_shifted():
    # X gives 50 twice (sd 0): shifted by the overall mean (50+50+70+90)/4 = 65 minus X's 50.
    rows = [("a1", "X", 50), ("a2", "X", 50), ("a1", "Y", 70), ("a2", "Y", 90)]
    calibrated = scoring.calibrate(rows)
    assert calibrated["a1", "X"] == Decimal("65.00")
    assert calibrated["a2", "X"] == Decimal("65.00")


def test_unsubmitted_reviews_are_ignored():
    assert scoring.combine_intake([("a1", "X", None)]) == {}
