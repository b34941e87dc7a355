"""What each role gets at each of this app's URLs: see tests/access_table.py."""

from tests.access_table import (
    EVERYONE,
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
        # Sent empty: the form is drawn again with its errors.
        post={400: MANAGERS, 403: MEMBERS},
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
    "outcomes:completeness_csv": url(
        {},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:costs": url(
        {},
        get={200: MANAGERS | {"other_intake_manager"}},
        post={200: MANAGERS | {"other_intake_manager"}},
    ),
    "outcomes:documents": url(
        {},
        get={200: MANAGERS | {"other_intake_manager", "other_program_manager"}},
        post={200: MANAGERS | {"other_intake_manager", "other_program_manager"}},
    ),
    "outcomes:build_program_report": url(
        {},
        get={405: SIGNED_IN},
        post={},
    ),
    "outcomes:build_dossier": url(
        {"placement_pk": "placement"},
        get={405: SIGNED_IN},
        post={403: MEMBERS | PARTNER, 302: MANAGERS},
    ),
    "outcomes:document": url(
        {"pk": "dossier"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "outcomes:document_progress": url(
        {"pk": "dossier"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "outcomes:document_download": url(
        {"pk": "dossier"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "outcomes:results": url(
        {},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "outcomes:intake_results": url(
        {"intake_pk": "intake"},
        get={404: EVERYONE},
        post={405: EVERYONE},
    ),
    "outcomes:publish": url(
        {"intake_pk": "intake"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "outcomes:unpublish": url(
        {"intake_pk": "intake"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
}
