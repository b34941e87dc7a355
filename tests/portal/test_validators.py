import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from portal.validators import validate_single_line

# Every single-line name or title a person types, as (model, field).
SINGLE_LINE_FIELDS = [
    ("portal.User", "full_name"),
    ("applications.Company", "name"),
    ("applications.Company", "city"),
    ("applications.BudgetLine", "description"),
    ("programs.MarketGroup", "name"),
    ("programs.ForeignMarket", "languages"),
    ("programs.HostIncubator", "name"),
    ("programs.HostIncubator", "city"),
    ("programs.Program", "name"),
    ("programs.Intake", "title"),
    ("programs.RubricCriterion", "name"),
]


@pytest.mark.parametrize("value", ["Northwind\nEngineering", "Northwind\r", "A\u2028B", "A\x85B"])
def test_a_line_break_is_refused(value):
    with pytest.raises(ValidationError) as refused:
        validate_single_line(value)
    assert refused.value.messages == ["Keep this on one line: remove the line breaks."]


def test_one_line_is_accepted():
    assert validate_single_line("Northwind Engineering Inc. — Montréal") is None


@pytest.mark.parametrize(("model", "field"), SINGLE_LINE_FIELDS)
def test_every_single_line_name_refuses_line_breaks(model, field):
    assert validate_single_line in apps.get_model(model)._meta.get_field(field).validators


def test_forms_without_a_model_refuse_line_breaks_too():
    from applications.forms import BudgetLineForm
    from programs.forms import CriterionForm

    criterion = CriterionForm(data={"name": "Market\nfit", "weight": "1", "scale_max": "5"})
    assert criterion.errors["name"] == ["Keep this on one line: remove the line breaks."]
    line = BudgetLineForm(
        data={"category": "travel", "description": "Flight\r\nBcc: x", "amount_0": "10",
              "amount_1": "CAD"}
    )  # fmt: skip
    assert line.errors["description"] == ["Keep this on one line: remove the line breaks."]
