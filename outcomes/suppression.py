"""Small-cell suppression for the public results: plain data in, which cells to hide out.

A breakdown (by market, sector, year ...) is a list of cells, each describing some firms and
carrying measures (opportunities, value identified ...) that add up to the table's total,
which the public page shows too. The rules:

1. Primary: a cell describing fewer than ``THRESHOLD`` (5) firms is hidden.
2. Complementary: a hidden cell must not be recoverable from the shown cells and the total.
   With one hidden cell, total minus the shown cells is that cell, so the next smallest cell
   (fewest firms, then the smallest value, then its key) is hidden too. Every measure has a
   floor a reader knows (a cell that is listed has at least one firm; money and counts are
   not negative): when the hidden cells together hold exactly their floors (two hidden cells
   of one firm each, or with no value at all), each one is known as well, so another cell is
   hidden, until none can be worked out.
3. If that would hide every cell, the breakdown is withheld: only the total is shown.
4. Across pages (``suppress_jointly``): the page of all published intakes shows each group's
   sum over the intakes, whose own pages show their cells. A cell hidden on one intake's page
   would be that sum less the other intakes' cells, so the group is hidden on the whole's page
   too; and a group the whole's page hides to cover another is hidden on one intake's page as
   well (the one where it is smallest), or the intakes' cells would add it up again. Each
   intake's hidden cells then only ever reveal their sum, which its own total gives anyway.

A cell is recoverable when the shown cells, the total and the floors leave it one possible
value: ``recoverable()`` says so, and the property tests check that ``suppress`` never leaves
one (tests/outcomes/test_suppression.py).
"""

from dataclasses import dataclass, field
from decimal import Decimal

THRESHOLD = 5


@dataclass(frozen=True)
class Cell:
    key: object
    firms: int
    # Other measures, name -> value; each adds up to the total's.
    measures: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Suppressed:
    shown: tuple  # the cells shown, in the order given
    hidden: tuple  # the keys of the cells hidden, in the order given
    withheld: bool  # every cell hidden: the page shows the total only

    def is_hidden(self, key):
        return self.withheld or key in self.hidden


# The least a cell can hold of a measure, as a reader knows it. None: no floor (jobs can go
# down as well as up).
FLOORS = {"firms": 1}
DEFAULT_FLOOR = 0


def floor_of(measure, floors=None):
    floors = FLOORS | (floors or {})
    return floors.get(measure, DEFAULT_FLOOR)


def _value(cell, measure):
    return cell.firms if measure == "firms" else cell.measures.get(measure, 0)


def _measures(cells):
    names = {"firms"}
    for cell in cells:
        names |= set(cell.measures)
    return sorted(names)


def recoverable(cells, hidden, floors=None):
    """Can a reader work out any hidden cell's value of any measure from the shown cells, the
    total and the floors? True when one cell is hidden, or when the hidden cells' sum of a
    measure is exactly their floors' sum (then each holds its floor)."""
    hidden_cells = [cell for cell in cells if cell.key in hidden]
    if not hidden_cells:
        return False
    if len(hidden_cells) == 1:
        return True
    for measure in _measures(cells):
        floor = floor_of(measure, floors)
        if floor is None:
            continue
        total = sum((Decimal(_value(cell, measure)) for cell in hidden_cells), Decimal(0))
        if total <= floor * len(hidden_cells):
            return True
    return False


def _order(cell):
    values = tuple(Decimal(cell.measures[name]) for name in sorted(cell.measures))
    return (cell.firms, values, str(cell.key))


def suppress(cells, *, threshold=THRESHOLD, floors=None, also=()):
    """Which cells of a breakdown to hide (see the module's rules); ``also``: keys hidden
    whatever their size (rule 4)."""
    cells = list(cells)
    hidden = {cell.key for cell in cells if cell.firms < threshold or cell.key in also}
    while hidden and recoverable(cells, hidden, floors):
        candidates = sorted((cell for cell in cells if cell.key not in hidden), key=_order)
        if not candidates:
            break
        hidden.add(candidates[0].key)
    withheld = bool(cells) and len(hidden) == len(cells)
    return Suppressed(
        shown=tuple(cell for cell in cells if cell.key not in hidden and not withheld),
        hidden=tuple(cell.key for cell in cells if cell.key in hidden),
        withheld=withheld,
    )


def _hidden_keys(result, cells):
    return {cell.key for cell in cells} if result.withheld else set(result.hidden)


def suppress_jointly(whole, parts, *, threshold=THRESHOLD, floors=None):
    """Rule 4: ``whole`` the cells of the page of every part together (each the sum of the
    parts' cells of its key), ``parts`` {part: its cells}. Returns (the whole's Suppressed,
    {part: its Suppressed}), hidden so that no page undoes another."""
    whole, parts = list(whole), {part: list(cells) for part, cells in parts.items()}
    forced = {part: set() for part in parts}
    while True:
        results = {
            part: suppress(cells, threshold=threshold, floors=floors, also=forced[part])
            for part, cells in parts.items()
        }
        hidden_in_parts = set()
        for part, cells in parts.items():
            hidden_in_parts |= _hidden_keys(results[part], cells)
        result = suppress(whole, threshold=threshold, floors=floors, also=hidden_in_parts)
        uncovered = _hidden_keys(result, whole) - hidden_in_parts
        if not uncovered:
            return result, results
        before = sum(len(keys) for keys in forced.values())
        for key in uncovered:
            holders = [
                (_order(cell), str(part), part)
                for part, cells in parts.items()
                for cell in cells
                if cell.key == key
            ]
            if holders:
                forced[min(holders, key=lambda holder: holder[:2])[2]].add(key)
        if sum(len(keys) for keys in forced.values()) == before:  # no part holds the key
            return result, results
