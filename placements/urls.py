from django.urls import path

from placements.views import board, manager, partner, placement

app_name = "placements"
urlpatterns = [
    path("placements/host/", partner.workspace, name="partner_workspace"),
    path("placements/offers/<int:offer_pk>/confirm/", partner.confirm, name="confirm"),
    path("placements/<int:pk>/", placement.detail, name="detail"),
    path("placements/<int:pk>/log/", placement.add_entry, name="add_entry"),
    path("placements/<int:pk>/arrival/", placement.arrival, name="arrival"),
    path("placements/<int:pk>/departure/", placement.departure, name="departure"),
    path("placements/<int:pk>/cut-short/", placement.cut_short, name="cut_short"),
    path("placements/<int:pk>/cancel/", placement.cancel, name="cancel"),
    path("placements/<int:pk>/history/", placement.history, name="history"),
    path("programs/<int:program_pk>/placements/", manager.program_list, name="program_list"),
]

# The manager's placements board (views/board.py).
urlpatterns += [
    path("intakes/<int:intake_pk>/placements/board/", board.placement_board, name="board"),
    path(
        "intakes/<int:intake_pk>/placements/board.csv", board.placement_board_csv, name="board_csv"
    ),
]
