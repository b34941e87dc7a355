"""What each role gets at each of this app's URLs: see tests/access_table.py."""

from tests.access_table import (
    EVERYONE,
    MANAGERS,
    PARTNER,
    PROGRAM_MANAGERS,
    PROGRAM_STAFF,
    REVIEWERS,
    SIGNED_IN,
    SUPERUSER,
    given,
    url,
)

EXPECTED = {
    "programs:intake_list": url(
        {},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "programs:intake_detail": url(
        {"pk": "intake"},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "programs:host_list": url(
        {},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "programs:host_detail": url(
        {"pk": "host"},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "programs:market_list": url(
        {},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "programs:group_detail": url(
        {"slug": given("access-group")},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "programs:market_detail": url(
        {"country": lambda w: w.objects["host"].market.country},
        get={200: EVERYONE},
        post={405: EVERYONE},
    ),
    "programs:program_detail": url(
        {"pk": "program"},
        get={200: PROGRAM_STAFF},
        post={200: PROGRAM_STAFF},
    ),
    "programs:intake_create": url(
        {"program_pk": "program"},
        get={
            200: PROGRAM_MANAGERS,
            403: REVIEWERS | {"intake_manager", "other_intake_manager", "unassigned_reviewer"},
        },
        post={
            400: PROGRAM_MANAGERS,
            403: REVIEWERS | {"intake_manager", "other_intake_manager", "unassigned_reviewer"},
        },
    ),
    "programs:host_workspace": url(
        {"pk": "host"},
        get={200: PARTNER | SUPERUSER},
        post={200: PARTNER | SUPERUSER},
    ),
    "programs:manage_markets": url(
        {},
        get={
            200: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
        post={
            200: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
    ),
    "programs:market_create": url(
        {},
        get={
            200: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
        post={
            400: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
    ),
    "programs:market_edit": url(
        {"country": lambda w: w.objects["host"].market.country},
        get={200: PROGRAM_MANAGERS, 403: SIGNED_IN - PROGRAM_MANAGERS},
        post={400: PROGRAM_MANAGERS, 403: SIGNED_IN - PROGRAM_MANAGERS},
    ),
    "programs:manage_hosts": url(
        {},
        get={
            200: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
        post={
            200: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
    ),
    "programs:host_create": url(
        {},
        get={
            200: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
        post={
            400: PROGRAM_MANAGERS | {"other_program_manager"},
            403: SIGNED_IN - (PROGRAM_MANAGERS | {"other_program_manager"}),
        },
    ),
    "programs:host_edit": url(
        {"pk": "host"},
        get={200: PROGRAM_MANAGERS, 403: SIGNED_IN - PROGRAM_MANAGERS},
        post={400: PROGRAM_MANAGERS, 403: SIGNED_IN - PROGRAM_MANAGERS},
    ),
    "programs:manage_intake": url(
        {"pk": "intake"},
        get={200: MANAGERS | REVIEWERS | {"unassigned_reviewer"}},
        post={200: MANAGERS | REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:intake_edit": url(
        {"pk": "intake"},
        get={200: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
        post={400: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:intake_desks": url(
        {"pk": "intake"},
        get={200: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
        post={400: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:intake_rubric": url(
        {"pk": "intake"},
        get={200: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
        post={400: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:intake_eligibility": url(
        {"pk": "intake"},
        get={200: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
        post={400: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:manage_intake_staff": url(
        {"pk": "intake"},
        get={200: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
        post={400: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:intake_staff_remove": url(
        {"pk": "intake", "staff_pk": "intake_staff"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:intake_publish": url(
        {"pk": "intake"},
        get={405: SIGNED_IN},
        post={302: MANAGERS, 403: REVIEWERS | {"unassigned_reviewer"}},
    ),
    "programs:failed_emails": url(
        {},
        get={
            200: MANAGERS | {"other_intake_manager", "other_program_manager"},
            403: SIGNED_IN - (MANAGERS | {"other_intake_manager", "other_program_manager"}),
        },
        post={405: SIGNED_IN},
    ),
    "programs:retry_email": url(
        {"pk": "failed_email"},
        get={405: SIGNED_IN},
        post={302: MANAGERS},
    ),
}
