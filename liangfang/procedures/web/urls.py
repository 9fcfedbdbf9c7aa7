from django.urls import path

from . import views

app_name = "procedures"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_new, name="new"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/<str:action>/", views.case_act, name="act"),
    path("announce/", views.announce_view, name="announce"),
    path("notices/<int:pk>/", views.notice_view, name="notice"),
    path("notices/<int:pk>/pdf/", views.notice_pdf_view, name="notice_pdf"),
    path("board/<str:code>/", views.board_view, name="board"),
    path("attachments/<int:pk>/", views.attachment_view, name="attachment"),
    path("cards/household/<str:number>/", views.card_view, name="card"),
    path("cards/village/<str:code>/", views.village_cards_view, name="village_cards"),
]
