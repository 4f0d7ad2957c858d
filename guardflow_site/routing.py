"""Websocket routes, gathered from the apps that own them."""

from chats.routing import websocket_urlpatterns as chat_routes
from workflows.routing import websocket_urlpatterns as workflow_routes

websocket_urlpatterns = [*chat_routes, *workflow_routes]
