"""Write side of the model registry: upserts from the admin API, the Django admin and YAML files."""

from django.db import transaction

from guardflow_site.crypto import encrypt_secret, mask_secret
from proxy.models import Deployment, LLMModel, Task

MODEL_FIELDS = (
    "description",
    "input_price_per_mtok",
    "output_price_per_mtok",
    "context_window",
    "max_output_tokens",
    "supports_streaming",
    "supports_tools",
    "supports_vision",
    "is_enabled",
)
DEPLOYMENT_FIELDS = (
    "provider",
    "upstream_model",
    "base_url",
    "api_version",
    "api_key_env",
    "weight",
    "priority",
    "timeout_seconds",
    "options",
    "is_enabled",
)


def deployment_set_api_key(*, deployment: Deployment, api_key: str) -> None:
    """Store a credential encrypted; keep only a masked hint readable."""
    deployment.api_key_encrypted = encrypt_secret(api_key)
    deployment.api_key_hint = mask_secret(api_key)


def _deployment_key(data: dict) -> tuple:
    return (data.get("provider"), data.get("upstream_model"), data.get("base_url", ""))


def _deployments_replace(*, model: LLMModel, deployments: list[dict]) -> None:
    """Make the model's deployments exactly `deployments`. A deployment that matches an existing
    one (same provider, upstream model, base URL) keeps its stored key when none is given."""
    existing = {(d.provider, d.upstream_model, d.base_url): d for d in model.deployments.all()}
    keep: set[int] = set()
    for data in deployments:
        deployment = existing.get(_deployment_key(data)) or Deployment(model=model)
        for field in DEPLOYMENT_FIELDS:
            if field in data:
                setattr(deployment, field, data[field])
        if "api_key" in data:
            deployment_set_api_key(deployment=deployment, api_key=data["api_key"])
        deployment.save()
        keep.add(deployment.id)
    model.deployments.exclude(id__in=keep).delete()


@transaction.atomic
def model_upsert(*, data: dict) -> LLMModel:
    """Create or update a model by name (idempotent: the same data twice changes nothing)."""
    model = LLMModel.objects.filter(name=data["name"]).first() or LLMModel(name=data["name"])
    return model_update(model=model, data=data)


@transaction.atomic
def model_update(*, model: LLMModel, data: dict) -> LLMModel:
    for field in ("name", *MODEL_FIELDS):
        if field in data:
            setattr(model, field, data[field])
    model.save()
    if "deployments" in data:
        _deployments_replace(model=model, deployments=data["deployments"])
    return model


@transaction.atomic
def model_delete(*, model: LLMModel) -> None:
    model.delete()


MOCK_MODEL_NAME = "mock"


def model_ensure_mock() -> bool:
    """The built-in `mock` model, so everything works with no API key. True when created."""
    if LLMModel.objects.filter(name=MOCK_MODEL_NAME).exists():
        return False
    model_upsert(
        data={
            "name": MOCK_MODEL_NAME,
            "description": "Built-in deterministic model; answers without any upstream or API key.",
            "context_window": 32_000,
            "max_output_tokens": 1024,
            "supports_vision": True,
            "deployments": [{"provider": Deployment.Provider.MOCK, "upstream_model": "mock-1"}],
        }
    )
    return True


@transaction.atomic
def task_save(*, task: Task, data: dict) -> Task:
    users = data.pop("assigned_users", None)
    for field, value in data.items():
        setattr(task, field, value)
    task.save()
    if users is not None:
        task.assigned_users.set(users)
    return task
