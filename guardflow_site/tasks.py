"""Cross-cutting Celery tasks."""

from celery import shared_task


@shared_task(name="guardflow.ping")
def ping(payload: str = "pong") -> str:
    """Echo a payload back: used by readiness checks and the broker round-trip test."""
    return payload
