"""Any write to the registry (admin, API, load_models, shell) makes every process reload it."""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from proxy.models import Deployment, LLMModel, Task
from proxy.registry import registry_bump_version


def _bump_after_commit(**kwargs) -> None:
    transaction.on_commit(registry_bump_version)


for _model in (LLMModel, Deployment, Task):
    post_save.connect(_bump_after_commit, sender=_model, dispatch_uid=f"registry-save-{_model.__name__}")
    post_delete.connect(_bump_after_commit, sender=_model, dispatch_uid=f"registry-delete-{_model.__name__}")


@receiver(m2m_changed, sender=Task.assigned_users.through, dispatch_uid="registry-task-users")
def _task_users_changed(**kwargs) -> None:
    _bump_after_commit()
