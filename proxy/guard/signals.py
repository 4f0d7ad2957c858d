"""Keep the in-memory guard configuration fresh and reset risk when an operator unblocks."""

from django.conf import settings
from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from proxy.guard.models import AllowListEntry, GuardPolicy, GuardSettings


@receiver([post_save, post_delete], sender=GuardPolicy)
@receiver([post_save, post_delete], sender=AllowListEntry)
@receiver([post_save, post_delete], sender=GuardSettings)
def _config_changed(**kwargs) -> None:
    from proxy.guard.config import guard_config_bump

    guard_config_bump()


@receiver(post_init, sender=settings.AUTH_USER_MODEL)
def _remember_blocked(sender, instance, **kwargs) -> None:
    instance._guard_was_blocked = instance.__dict__.get("blocked_at") is not None


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
def _reset_risk_on_unblock(sender, instance, created: bool = False, update_fields=None, **kwargs) -> None:
    """Whatever path unblocks a user (admin, API, shell), the guard's score starts from zero."""
    was_blocked = getattr(instance, "_guard_was_blocked", False)
    instance._guard_was_blocked = instance.blocked_at is not None
    if created or instance.blocked_at is not None:
        return
    if update_fields is not None and "blocked_at" not in update_fields:
        return  # e.g. the last_login update on every sign-in
    from proxy.guard.models import UserRiskState
    from proxy.guard.services import guard_risk_reset

    # The instance may be stale (blocked through another copy), so also ask the risk state.
    if (
        was_blocked
        or UserRiskState.objects.filter(user_id=instance.pk, blocked_by_guard_at__isnull=False).exists()
    ):
        guard_risk_reset(user_id=instance.pk)
