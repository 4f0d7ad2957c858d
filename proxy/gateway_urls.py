"""The gateway endpoints; mounted under /api/v1/ and again under /v1/ for SDK base URLs."""

from django.urls import path

from proxy.views import gateway

urlpatterns = [
    path("chat/completions", gateway.chat_completions, name="chat-completions"),
    path("messages", gateway.messages, name="messages"),
    path("models", gateway.models, name="models"),
    path("rate-limit", gateway.rate_limit, name="rate-limit"),
]
