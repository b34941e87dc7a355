"""Small-cell suppression: worked examples, and properties over any breakdown."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from outcomes.suppression import Cell, recoverable, suppress, suppress_jointly


def cell(key, firms, value=100, opportunities=1):
    return Cell(key, firms, {"value": Decimal(value), "opportunities": opportunities})


def test_no_cell_below_five_firms_hides_nothing():
    result = suppress([cell("DE", 5), cell("BR", 9)])
    assert result.hidden == ()
    assert [c.key for c in result.shown] == ["DE", "BR"]
    assert result.withheld is False


def test_a_cell_of_fewer_than_five_firms_is_hidden_with_the_next_smallest():
    cells = [cell("DE", 12), cell("BR", 3), cell("FR", 6), cell("IN", 8)]
    result = suppress(cells)
    # BR alone would be the total less the others: FR, the next smallest, goes too.
    assert result.hidden == ("BR", "FR")
    assert [c.key for c in result.shown] == ["DE", "IN"]


def test_two_small_cells_hide_each_other():
    cells = [cell("DE", 12), cell("BR", 3), cell("FR", 2)]
    assert suppress(cells).hidden == ("BR", "FR")


def test_two_hidden_cells_of_one_firm_each_would_be_known_so_a_third_is_hidden():
    cells = [cell("DE", 12), cell("BR", 1), cell("FR", 1), cell("IN", 7)]
    assert suppress(cells).hidden == ("BR", "FR", "IN")


def test_hidden_cells_with_no_value_at_all_would_be_known_so_another_is_hidden():
    cells = [cell("DE", 12), cell("BR", 2, value=0), cell("FR", 3, value=0), cell("IN", 7)]
    assert suppress(cells).hidden == ("BR", "FR", "IN")


def test_ties_for_the_next_smallest_go_to_the_smaller_value_then_the_key():
    cells = [cell("DE", 6, value=500), cell("BR", 2), cell("FR", 6, value=200), cell("IN", 9)]
    assert suppress(cells).hidden == ("BR", "FR")


def test_when_everything_would_be_hidden_the_breakdown_is_withheld():
    result = suppress([cell("DE", 7), cell("BR", 2)])
    assert result.withheld is True
    assert result.shown == ()
    assert result.is_hidden("DE") is True


def test_jobs_have_no_floor_so_a_zero_sum_reveals_nothing():
    cells = [
        Cell("DE", 12, {"jobs": 4}),
        Cell("BR", 2, {"jobs": 1}),
        Cell("FR", 3, {"jobs": -1}),
    ]
    assert suppress(cells, floors={"jobs": None}).hidden == ("BR", "FR")


def test_recoverable_names_the_cases_a_reader_can_work_out():
    cells = [cell("DE", 12), cell("BR", 3), cell("FR", 1), cell("IN", 1)]
    assert recoverable(cells, {"BR"}) is True
    assert recoverable(cells, {"BR", "DE"}) is False
    assert recoverable(cells, {"FR", "IN"}) is True  # one firm each
    assert recoverable(cells, set()) is False


# --- Properties ------------------------------------------------------------------------------

cells_strategy = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=30),
        st.integers(min_value=0, max_value=5000),
        st.integers(min_value=0, max_value=20),
    ),
    min_size=0,
    max_size=12,
).map(
    lambda rows: [
        Cell(f"c{index}", firms, {"value": Decimal(value), "opportunities": opportunities})
        for index, (firms, value, opportunities) in enumerate(rows)
    ]
)


def possible_values(cells, hidden, measure, floor):
    """Every value a hidden cell could hold of a measure, for a reader who sees the shown
    cells and the total and knows the floor: [floor, hidden sum - floor * (others)], when the
    values are whole numbers (they are, in these tests)."""
    hidden_cells = [c for c in cells if c.key in hidden]
    total = sum(c.firms if measure == "firms" else c.measures[measure] for c in cells)
    shown = sum(
        c.firms if measure == "firms" else c.measures[measure] for c in cells if c.key not in hidden
    )
    left = total - shown
    highest = left - floor * (len(hidden_cells) - 1)
    return range(int(floor), int(highest) + 1)


@settings(max_examples=400, deadline=None)
@given(cells_strategy)
def test_no_suppressed_cell_can_be_worked_out_from_the_shown_cells_and_the_total(cells):
    result = suppress(cells)
    if result.withheld:
        assert result.shown == ()
        return
    hidden = set(result.hidden)
    for measure, floor in (("firms", 1), ("value", 0), ("opportunities", 0)):
        for c in cells:
            if c.key in hidden:
                options = possible_values(cells, hidden, measure, floor)
                assert len(options) >= 2, (measure, c, result)


@settings(max_examples=400, deadline=None)
@given(cells_strategy)
def test_every_cell_of_fewer_than_five_firms_is_hidden_and_no_cell_is_both(cells):
    result = suppress(cells)
    shown = {c.key for c in result.shown}
    assert shown.isdisjoint(result.hidden)
    for c in cells:
        if c.firms < 5:
            assert result.is_hidden(c.key)
    if all(c.firms >= 5 for c in cells):
        assert result.hidden == ()
        assert len(result.shown) == len(cells)
    else:
        assert result.withheld or len(result.hidden) >= 2


parts_strategy = st.dictionaries(
    st.sampled_from(["A", "B", "C"]),
    st.dictionaries(
        st.sampled_from(["DE", "BR", "FR", "IN", "MX"]),
        st.tuples(st.integers(1, 12), st.integers(0, 5000), st.integers(0, 6)),
        min_size=1,
    ),
    min_size=1,
)


@settings(max_examples=300, deadline=None)
@given(parts_strategy)
def test_no_intakes_hidden_cell_is_its_groups_sum_less_the_other_intakes_cells(parts):
    """Rule 4: a key hidden on any part's page is hidden on the whole's page (else it is the
    whole's cell less the other parts' cells), and a key the whole's page hides is hidden on
    some part's page (else the parts' cells add it up); each page keeps rules 1 to 3."""
    cells = {
        part: [cell(key, firms, value, opportunities)
               for key, (firms, value, opportunities) in found.items()]
        for part, found in parts.items()
    }  # fmt: skip
    sums = {}
    for found in parts.values():
        for key, (firms, value, opportunities) in found.items():
            before = sums.get(key, (0, 0, 0))
            sums[key] = (before[0] + firms, before[1] + value, before[2] + opportunities)
    whole = [cell(key, *numbers) for key, numbers in sums.items()]

    together, each = suppress_jointly(whole, cells)

    hidden_in_parts = set()
    for part, result in each.items():
        keys = {c.key for c in cells[part] if result.is_hidden(c.key)}
        assert keys == {c.key for c in cells[part]} or not recoverable(cells[part], keys)
        assert all(result.is_hidden(c.key) for c in cells[part] if c.firms < 5)
        hidden_in_parts |= keys
    hidden_in_whole = {key for key in sums if together.is_hidden(key)}
    assert hidden_in_parts <= hidden_in_whole
    assert hidden_in_whole <= hidden_in_parts
