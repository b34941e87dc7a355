"""The money pages (included under money/ by portal.urls)."""

from django.urls import path

from placements.views import money

app_name = "money"

urlpatterns = [
    path("", money.my_awards, name="mine"),
    path("placements/<int:placement_pk>/award/", money.propose, name="propose"),
    path("awards/<int:pk>/", money.award_detail, name="award"),
    path("awards/<int:pk>/<slug:action>/", money.award_action, name="award_action"),
    path("awards/<int:award_pk>/claims/new/", money.claim_new, name="claim_new"),
    path("tranches/<int:pk>/", money.tranche_detail, name="tranche"),
    path("tranches/<int:pk>/<slug:action>/", money.tranche_action, name="tranche_action"),
    path("claims/<int:pk>/", money.claim_detail, name="claim"),
    path("claims/<int:pk>/lines/<int:line_pk>/remove/", money.line_remove, name="line_remove"),
    path("claims/<int:pk>/lines/<int:line_pk>/receipt/", money.receipt, name="receipt"),
    path("claims/<int:pk>/<slug:action>/", money.claim_action, name="claim_action"),
    path("intakes/<int:intake_pk>/ledger/", money.intake_ledger, name="ledger"),
    path("intakes/<int:intake_pk>/stipend-schedule/", money.schedule, name="schedule"),
    path("intakes/<int:intake_pk>/payments.csv", money.payment_batch, name="payment_batch"),
]
