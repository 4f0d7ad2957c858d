"""Celery tasks of the guard: the optional operator webhook (never on the request path)."""

import logging

import httpx
from celery import shared_task
from django.conf import settings

logger = logging.getLogger("guardflow.guard")


@shared_task(autoretry_for=(httpx.TransportError,), retry_backoff=True, max_retries=3)
def guard_webhook_post(payload: dict) -> int:
    """POST a warn/block event to GUARD_WEBHOOK_URL with a timeout; returns the HTTP status."""
    url = settings.GUARD_WEBHOOK_URL
    if not url:
        return 0
    response = httpx.post(url, json=payload, timeout=settings.GUARD_WEBHOOK_TIMEOUT_SECONDS)
    if response.status_code >= 400:
        logger.warning("guard webhook answered %s", response.status_code)
    return response.status_code
