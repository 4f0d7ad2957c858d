"""Keep the authentication cache honest: any write to a user or token forgets what was cached."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from accounts.authentication import (
    principal_cache_forget_token_on_commit,
    principal_cache_forget_user_on_commit,
)
from accounts.models import APIToken, User


@receiver(post_save, sender=User, dispatch_uid="accounts.user_saved")
@receiver(post_delete, sender=User, dispatch_uid="accounts.user_deleted")
def _user_changed(sender, instance: User, **kwargs) -> None:
    principal_cache_forget_user_on_commit(user_id=instance.pk)


@receiver(post_save, sender=APIToken, dispatch_uid="accounts.token_saved")
@receiver(post_delete, sender=APIToken, dispatch_uid="accounts.token_deleted")
def _token_changed(sender, instance: APIToken, **kwargs) -> None:
    principal_cache_forget_token_on_commit(token_hash=instance.token_hash)
