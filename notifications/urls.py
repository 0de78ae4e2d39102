from django.urls import path

from . import views

app_name = "notifications"

urlpatterns: list = [
    path("", views.notification_list, name="list"),
    path("since/<int:seq>/", views.since, name="since"),
    path("unread/", views.unread, name="unread"),
    path("read/", views.mark_read, name="mark_read"),
    path("read-all/", views.mark_all_read, name="mark_all_read"),
    path("email-digest/", views.email_digest, name="email_digest"),
]
