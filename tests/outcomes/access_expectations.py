"""What each role gets at each of this app's URLs: see tests/access_table.py."""

from tests.access_table import (
    MANAGERS,
    MEMBERS,
    PARTNER,
    SIGNED_IN,
    given,
    url,
)

EXPECTED = {
    "outcomes:firm_reports": url(
        {},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "outcomes:report": url(
        {"pk": "report"},
        get={200: MANAGERS | MEMBERS},
        post={200: MEMBERS, 403: MANAGERS},
    ),
    "outcomes:add_opportunity": url(
        {"pk": "report"},
        get={405: SIGNED_IN},
        post={400: MEMBERS, 403: MANAGERS},
    ),
    "outcomes:update_opportunity": url(
        {"pk": "report", "opportunity_pk": "opportunity"},
        get={405: SIGNED_IN},
        post={400: MEMBERS, 403: MANAGERS},
    ),
    "outcomes:confirm_introduction": url(
        {"pk": "report", "entry_pk": "introduction"},
        get={405: SIGNED_IN},
        post={302: MEMBERS, 403: MANAGERS},
    ),
    "outcomes:add_entry": url(
        {"pk": "report"},
        get={405: SIGNED_IN},
        post={400: MEMBERS, 403: MANAGERS},
    ),
    "outcomes:submit": url(
        {"pk": "report"},
        get={405: SIGNED_IN},
        post={302: MEMBERS, 403: MANAGERS},
    ),
    "outcomes:manage_reports": url(
        {},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:verify": url(
        {"pk": "report"},
        get={200: MANAGERS, 403: MEMBERS},
        post={200: MANAGERS, 403: MEMBERS},
    ),
    "outcomes:move_due_date": url(
        {"pk": "report"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "outcomes:opportunity_value": url(
        {"pk": "report", "opportunity_pk": "opportunity"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS},
    ),
    "outcomes:schedule": url(
        {"placement_pk": "placement"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS | PARTNER},
    ),
    "outcomes:figures": url(
        {},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:figure_records[companies]": url(
        {"figure": given("companies")},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:figure_records[markets]": url(
        {"figure": given("markets")},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:figure_records[opportunities]": url(
        {"figure": given("opportunities")},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:figure_records[won]": url(
        {"figure": given("won")},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:figure_records[jobs]": url(
        {"figure": given("jobs")},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:figure_records[investment]": url(
        {"figure": given("investment")},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:figure_records[cost]": url(
        {"figure": given("cost")},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    # NEW-ROWS
    "outcomes:completeness_csv": url(
        {},
        get={},
        post={},
    ),
    "outcomes:costs": url(
        {},
        get={},
        post={},
    ),
    "outcomes:documents": url(
        {},
        get={},
        post={},
    ),
    "outcomes:build_program_report": url(
        {},
        get={},
        post={},
    ),
    "outcomes:build_dossier": url(
        {"placement_pk": "placement"},
        get={},
        post={},
    ),
    "outcomes:document": url(
        {"pk": "document"},
        get={},
        post={},
    ),
    "outcomes:document_progress": url(
        {"pk": "document"},
        get={},
        post={},
    ),
    "outcomes:document_download": url(
        {"pk": "document"},
        get={},
        post={},
    ),
    "outcomes:results": url(
        {},
        get={},
        post={},
    ),
    "outcomes:intake_results": url(
        {"intake_pk": "intake"},
        get={},
        post={},
    ),
    "outcomes:publish": url(
        {"intake_pk": "intake"},
        get={},
        post={},
    ),
    "outcomes:unpublish": url(
        {"intake_pk": "intake"},
        get={},
        post={},
    ),
}
