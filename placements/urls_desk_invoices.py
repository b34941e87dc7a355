from django.urls import path

from placements.views import desk_invoices

app_name = "desk_invoices"
urlpatterns = [
    path("", desk_invoices.partner_invoices, name="partner"),
    path("intakes/<int:intake_pk>/", desk_invoices.intake_invoices, name="intake"),
    path("intakes/<int:intake_pk>/generate/", desk_invoices.generate, name="generate"),
    path("<int:pk>/", desk_invoices.invoice_detail, name="detail"),
    path("<int:pk>/send/", desk_invoices.send, name="send"),
    path("<int:pk>/confirm/", desk_invoices.confirm, name="confirm"),
    path("<int:pk>/pay/", desk_invoices.pay, name="pay"),
]
