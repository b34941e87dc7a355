"""What each role gets at each of this app's URLs: see tests/access_table.py."""

from tests.access_table import (
    MANAGERS,
    MEMBERS,
    OWNER,
    REVIEWERS,
    SIGNED_IN,
    SUPERUSER,
    given,
    url,
)
from tests.access_world import INVITATION_TOKEN

EXPECTED = {
    "applications:company_create": url(
        {},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "applications:company_detail": url(
        {"pk": "company"},
        get={200: MEMBERS | SUPERUSER},
        post={200: MEMBERS | SUPERUSER},
    ),
    "applications:company_edit": url(
        {"pk": "company"},
        get={200: MEMBERS, 403: SUPERUSER},
        post={200: MEMBERS, 403: SUPERUSER},
    ),
    "applications:member_remove": url(
        {"pk": "company", "member_pk": "staff_membership"},
        get={405: SIGNED_IN},
        post={302: OWNER, 403: SUPERUSER | {"company_staff"}},
    ),
    "applications:invitation_revoke": url(
        {"pk": "company", "invitation_pk": "invitation"},
        get={405: SIGNED_IN},
        post={302: OWNER, 403: SUPERUSER | {"company_staff"}},
    ),
    "applications:invitation_accept": url(
        {"token": given(INVITATION_TOKEN)},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "applications:eligibility": url(
        {"intake_pk": "other_intake"},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "applications:start": url(
        {"intake_pk": "other_intake"},
        get={200: SIGNED_IN},
        post={},
    ),
    # The owner's click on an accepted application: the service's refusal, on the review page.
    "applications:submit": url(
        {"pk": "application"},
        get={405: SIGNED_IN},
        post={302: OWNER, 403: MANAGERS | {"company_staff"} | REVIEWERS},
    ),
    "applications:withdraw": url(
        {"pk": "application"},
        get={405: SIGNED_IN},
        post={302: OWNER, 403: MANAGERS | {"company_staff"} | REVIEWERS},
    ),
    "applications:document": url(
        {"pk": "application", "document_pk": "document"},
        get={200: MANAGERS | MEMBERS | REVIEWERS},
        post={200: MANAGERS | MEMBERS | REVIEWERS},
    ),
    "applications:document_remove": url(
        {"pk": "application", "document_pk": "document"},
        get={405: SIGNED_IN},
        post={403: MANAGERS | MEMBERS | REVIEWERS},
    ),
    "applications:step[hosts]": url(
        {"pk": "application", "step": given("hosts")},
        get={200: MANAGERS | MEMBERS, 403: REVIEWERS},
        post={200: MEMBERS, 403: MANAGERS | REVIEWERS},
    ),
    "applications:step[dates]": url(
        {"pk": "application", "step": given("dates")},
        get={200: MANAGERS | MEMBERS, 403: REVIEWERS},
        post={200: MEMBERS, 403: MANAGERS | REVIEWERS},
    ),
    "applications:step[objectives]": url(
        {"pk": "application", "step": given("objectives")},
        get={200: MANAGERS | MEMBERS, 403: REVIEWERS},
        post={200: MEMBERS, 403: MANAGERS | REVIEWERS},
    ),
    "applications:step[case]": url(
        {"pk": "application", "step": given("case")},
        get={200: MANAGERS | MEMBERS, 403: REVIEWERS},
        post={200: MEMBERS, 403: MANAGERS | REVIEWERS},
    ),
    "applications:step[budget]": url(
        {"pk": "application", "step": given("budget")},
        get={200: MANAGERS | MEMBERS, 403: REVIEWERS},
        post={200: MEMBERS, 403: MANAGERS | REVIEWERS},
    ),
    "applications:step[documents]": url(
        {"pk": "application", "step": given("documents")},
        get={200: MANAGERS | MEMBERS, 403: REVIEWERS},
        post={403: MANAGERS | MEMBERS | REVIEWERS},
    ),
    "applications:step[review]": url(
        {"pk": "application", "step": given("review")},
        get={200: MANAGERS | MEMBERS, 403: REVIEWERS},
        post={200: MANAGERS | MEMBERS, 403: REVIEWERS},
    ),
    "applications:intake_applications": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "applications:manage_application": url(
        {"pk": "application"},
        get={200: MANAGERS, 403: MEMBERS | REVIEWERS},
        post={200: MANAGERS, 403: MEMBERS | REVIEWERS},
    ),
    "applications:extend": url(
        {"pk": "application"},
        get={405: SIGNED_IN},
        post={400: MANAGERS, 403: MEMBERS | REVIEWERS},
    ),
    "applications:review_dashboard": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "applications:review_settings": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "applications:score_mode": url(
        {"intake_pk": "intake"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "applications:shortlist": url(
        {"intake_pk": "intake"},
        get={405: SIGNED_IN},
        post={200: MANAGERS},
    ),
    "applications:assignments": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "applications:assign_automatically": url(
        {"intake_pk": "intake"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "applications:accept_replacement": url(
        {"intake_pk": "intake", "conflict_pk": "conflict"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "applications:override_screening": url(
        {"pk": "application"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS | REVIEWERS},
    ),
    "applications:assign": url(
        {"pk": "application"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS | REVIEWERS},
    ),
    "applications:toggle_shortlist": url(
        {"pk": "application"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: MEMBERS | REVIEWERS},
    ),
    "applications:reviews": url(
        {},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "applications:review": url(
        {"pk": "review"},
        get={200: {"program_reviewer"}},
        post={400: {"program_reviewer"}},
    ),
    "applications:declare_conflict": url(
        {"pk": "review"},
        get={405: SIGNED_IN},
        post={302: {"program_reviewer"}},
    ),
    "applications:host_fit_queue": url(
        {},
        get={200: SIGNED_IN},
        post={200: SIGNED_IN},
    ),
    "applications:give_host_fit": url(
        {"application_pk": "application", "host_pk": "host"},
        get={405: SIGNED_IN},
        post={},
    ),
    "applications:selection": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "applications:compare_runs": url(
        {"intake_pk": "intake"},
        get={302: MANAGERS},
        post={302: MANAGERS},
    ),
    "applications:decisions": url(
        {"intake_pk": "intake"},
        get={200: MANAGERS},
        post={302: MANAGERS},
    ),
    "applications:offer_seat": url(
        {"intake_pk": "intake", "pk": "desk_offer"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "applications:selection_run": url(
        {"pk": "run"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "applications:run_progress": url(
        {"pk": "run"},
        get={200: MANAGERS},
        post={200: MANAGERS},
    ),
    "applications:adjust_slate": url(
        {"pk": "run"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "applications:confirm_slate": url(
        {"pk": "run"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
    "applications:offer": url(
        {"pk": "offer"},
        get={200: MANAGERS | MEMBERS},
        post={200: MANAGERS | MEMBERS},
    ),
    "applications:accept_offer": url(
        {"pk": "offer"},
        get={405: SIGNED_IN},
        post={302: MANAGERS | MEMBERS},
    ),
    "applications:decline_offer": url(
        {"pk": "offer"},
        get={405: SIGNED_IN},
        post={302: MANAGERS | MEMBERS},
    ),
}
