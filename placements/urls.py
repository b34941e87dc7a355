from django.urls import path

from placements.views import board, changes, manager, partner, placement

app_name = "placements"
urlpatterns = [
    path("placements/host/", partner.workspace, name="partner_workspace"),
    path("placements/offers/<int:offer_pk>/confirm/", partner.confirm, name="confirm"),
    path("placements/<int:pk>/", placement.detail, name="detail"),
    path("placements/<int:pk>/log/", placement.add_entry, name="add_entry"),
    path(
        "placements/<int:pk>/check-ins/<int:entry_pk>/answer/",
        placement.answer_check_in,
        name="answer_check_in",
    ),
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

# Change requests (views/changes.py).
urlpatterns += [
    path("placements/<int:pk>/changes/new/", changes.ask, name="ask_change"),
    path("placements/changes/<int:pk>/", changes.change_detail, name="change_detail"),
    path("placements/changes/<int:pk>/approve/", changes.approve, name="approve_change"),
    path("placements/changes/<int:pk>/refuse/", changes.refuse, name="refuse_change"),
    path("placements/changes/<int:pk>/withdraw/", changes.withdraw, name="withdraw_change"),
]
