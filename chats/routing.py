"""Websocket routes owned by this app."""

websocket_urlpatterns: list = []
