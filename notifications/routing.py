from django.urls import path

from workflows.council_consumers import CouncilSessionConsumer

from .consumers import NotificationConsumer

websocket_urlpatterns = [
    path("ws/notifications/", NotificationConsumer.as_asgi()),
    path("ws/council/<int:session_id>/", CouncilSessionConsumer.as_asgi()),
]
