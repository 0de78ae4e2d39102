"""Every websocket route of the project (each app keeps its own list; notifications knows no dossiers)."""

from notifications.routing import websocket_urlpatterns as notification_routes
from workflows.routing import websocket_urlpatterns as workflow_routes

websocket_urlpatterns = [*notification_routes, *workflow_routes]
