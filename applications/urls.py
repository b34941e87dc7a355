from django.urls import path

from applications.views import applicant, companies, staff

app_name = "applications"
urlpatterns = [
    path("companies/new/", companies.company_create, name="company_create"),
    path("companies/<int:pk>/", companies.company_detail, name="company_detail"),
    path("companies/<int:pk>/profile/", companies.company_edit, name="company_edit"),
    path(
        "companies/<int:pk>/members/<int:member_pk>/remove/",
        companies.member_remove,
        name="member_remove",
    ),
    path(
        "companies/<int:pk>/invitations/<int:invitation_pk>/revoke/",
        companies.invitation_revoke,
        name="invitation_revoke",
    ),
    path("invitations/<str:token>/", companies.invitation_accept, name="invitation_accept"),
    path("intakes/<int:intake_pk>/eligibility/", applicant.eligibility_check, name="eligibility"),
    path("intakes/<int:intake_pk>/apply/", applicant.start, name="start"),
    path("applications/<int:pk>/submit/", applicant.submit, name="submit"),
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/",
        applicant.document_download,
        name="document",
    ),
    path(
        "applications/<int:pk>/documents/<int:document_pk>/remove/",
        applicant.document_remove,
        name="document_remove",
    ),
    path("applications/<int:pk>/<slug:step>/", applicant.step, name="step"),
    path(
        "manage/intakes/<int:intake_pk>/applications/",
        staff.application_list,
        name="intake_applications",
    ),
    path("manage/applications/<int:pk>/", staff.application_detail, name="manage_application"),
    path("manage/applications/<int:pk>/extend/", staff.extend, name="extend"),
]
