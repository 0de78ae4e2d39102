from django.urls import path

from .council_consumers import CouncilSessionConsumer

websocket_urlpatterns = [
    path("ws/council/<int:session_id>/", CouncilSessionConsumer.as_asgi()),
]
