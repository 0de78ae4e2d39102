from django.urls import path

from . import council_views as views

app_name = "council"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("new/", views.session_create, name="create"),
    path("<int:session_id>/", views.session_detail, name="detail"),
    path("<int:session_id>/attendance/", views.session_attendance, name="attendance"),
    path("<int:session_id>/open/", views.session_open, name="open"),
    path("<int:session_id>/close/", views.session_close, name="close"),
    path("<int:session_id>/ballot/", views.ballot, name="ballot"),
    path("<int:session_id>/written/", views.written_ballot, name="written"),
    path("<int:session_id>/conflict/", views.conflict, name="conflict"),
    path("<int:session_id>/progress.json", views.progress, name="progress"),
    path("<int:session_id>/minutes.pdf", views.minutes_pdf, name="minutes"),
]
