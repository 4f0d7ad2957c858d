"""The model registry and tasks, as operators manage them: admin API, load_models, admin site."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.services import auth_tokens_issue
from guardflow_site.crypto import decrypt_secret
from proxy.models import Deployment, LLMModel, Task
from proxy.registry import registry_snapshot
from proxy.services.registry import model_upsert
from usage.models import AuditLog

pytestmark = pytest.mark.django_db

MODELS = "/api/v1/admin/models"
SECRET = "sk-test-secret-value-1234"


def bearer(client, user):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {auth_tokens_issue(user=user)['access_token']}")
    return client


def model_payload(**overrides) -> dict:
    data = {
        "name": "gpt-4o-mini",
        "input_price_per_mtok": "0.15",
        "output_price_per_mtok": "0.60",
        "deployments": [
            {
                "provider": "openai",
                "model": "gpt-4o-mini",
                "base_url": "http://127.0.0.1:9100/v1",
                "api_key": SECRET,
            }
        ],
    }
    data.update(overrides)
    return data


def test_operator_creates_a_model_and_the_key_is_write_only(api_client, operator, gateway_reset):
    response = bearer(api_client, operator).post(MODELS, model_payload(), format="json")
    assert response.status_code == 201, response.content
    assert SECRET not in response.content.decode()
    deployment = response.json()["deployments"][0]
    assert deployment["api_key_masked"] == "****1234" and "api_key" not in deployment
    stored = Deployment.objects.get()
    assert SECRET not in stored.api_key_encrypted and decrypt_secret(stored.api_key_encrypted) == SECRET
    assert AuditLog.objects.filter(action="model.create").exists()
    listing = api_client.get(MODELS)
    assert SECRET not in listing.content.decode()
    assert "gpt-4o-mini" in registry_snapshot().models


def test_patch_keeps_the_stored_key_when_none_is_given(api_client, operator, gateway_reset):
    created = bearer(api_client, operator).post(MODELS, model_payload(), format="json").json()
    deployment = dict(created["deployments"][0])
    deployment.pop("api_key_masked")
    response = api_client.patch(
        f"{MODELS}/{created['id']}",
        {"output_price_per_mtok": "0.70", "deployments": [deployment]},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["output_price_per_mtok"] == "0.700000"
    assert decrypt_secret(Deployment.objects.get().api_key_encrypted) == SECRET


def test_patch_with_nul_in_options_is_400_and_changes_nothing(api_client, operator, gateway_reset):
    created = bearer(api_client, operator).post(MODELS, model_payload(), format="json").json()
    deployment = dict(created["deployments"][0], options={"x": "a\x00b"})
    deployment.pop("api_key_masked")
    response = api_client.patch(
        f"{MODELS}/{created['id']}",
        {"output_price_per_mtok": "9", "deployments": [deployment]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["param"].startswith("deployments")
    assert str(LLMModel.objects.get().output_price_per_mtok) == "0.600000"
    assert Deployment.objects.get().options == {}


def test_delete_model(api_client, operator, gateway_reset):
    created = bearer(api_client, operator).post(MODELS, model_payload(), format="json").json()
    assert api_client.delete(f"{MODELS}/{created['id']}").status_code == 204
    assert not LLMModel.objects.exists()
    assert api_client.get(f"{MODELS}/{created['id']}").status_code == 404


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        (model_payload(deployments=[]), "deployments"),
        (model_payload(name="bad name!"), "name"),
        (model_payload(input_price_per_mtok="-1"), "input_price_per_mtok"),
        (model_payload(deployments=[{"provider": "nope", "model": "x"}]), "deployments"),
        (
            model_payload(
                deployments=[{"provider": "openai", "model": "x", "base_url": "file:///etc/passwd"}]
            ),
            "deployments",
        ),
        (model_payload(deployments=[{"provider": "azure", "model": "x"}]), "deployments"),
        # NUL in options was a 500 on PostgreSQL (jsonb refuses it); found by fuzzing.
        (
            model_payload(deployments=[{"provider": "mock", "model": "x", "options": {"a": "\x00"}}]),
            "deployments",
        ),
        (
            model_payload(deployments=[{"provider": "mock", "model": "x", "options": {"\x00": 1}}]),
            "deployments",
        ),
        (
            model_payload(
                deployments=[{"provider": "mock", "model": "x", "options": {"a": [{"b": ["c\x00"]}]}}]
            ),
            "deployments",
        ),
    ],
)
def test_invalid_models_are_refused_and_change_nothing(api_client, operator, payload, field):
    response = bearer(api_client, operator).post(MODELS, payload, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["param"].startswith(field)
    assert not LLMModel.objects.exists()


def test_duplicate_model_name_is_400(api_client, operator, gateway_reset):
    bearer(api_client, operator).post(MODELS, model_payload(), format="json")
    again = api_client.post(MODELS, model_payload(), format="json")
    assert again.status_code == 400 and again.json()["error"]["param"] == "name"


def test_members_get_403_on_registry_and_tasks(api_client, member):
    client = bearer(api_client, member)
    for path in (MODELS, "/api/v1/admin/tasks"):
        assert client.get(path).status_code == 403
        assert client.post(path, {}, format="json").status_code == 403


def test_operator_manages_tasks(api_client, operator, member, gateway_reset):
    client = bearer(api_client, operator)
    response = client.post(
        "/api/v1/admin/tasks",
        {
            "name": "debugging",
            "description": "Debug our Python services",
            "allowed_intents": ["coding"],
            "assigned_users": [member.id],
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    task = Task.objects.get()
    assert list(task.assigned_users.all()) == [member]
    assert registry_snapshot().tasks[task.id].is_assigned_to(member.id)
    bad = client.post("/api/v1/admin/tasks", {"name": "x", "allowed_intents": ["poetry"]}, format="json")
    assert bad.status_code == 400
    assert client.delete(f"/api/v1/admin/tasks/{task.id}").status_code == 204
    assert not Task.objects.get().is_active


YAML = """
models:
  - name: gpt-4o-mini
    input_price_per_mtok: 0.15
    output_price_per_mtok: 0.60
    deployments:
      - provider: openai
        model: gpt-4o-mini
        base_url: http://127.0.0.1:9100/v1
        api_key: env:GF_TEST_OPENAI_KEY
      - provider: mock
        model: mock-1
        priority: 1
"""


def test_load_models_is_an_idempotent_upsert(tmp_path, monkeypatch, gateway_reset):
    monkeypatch.setenv("GF_TEST_OPENAI_KEY", SECRET)
    path = tmp_path / "models.yaml"
    path.write_text(YAML)
    call_command("load_models", str(path), stdout=StringIO())
    first = list(
        Deployment.objects.order_by("id").values_list("id", "provider", "upstream_model", "priority")
    )
    call_command("load_models", str(path), stdout=StringIO())
    assert (
        list(Deployment.objects.order_by("id").values_list("id", "provider", "upstream_model", "priority"))
        == first
    )
    assert LLMModel.objects.count() == 1
    assert decrypt_secret(Deployment.objects.get(provider="openai").api_key_encrypted) == SECRET


def test_load_models_reports_bad_files_without_changes(tmp_path):
    path = tmp_path / "models.yaml"
    for text in ("models: 5", "not: [valid", "models:\n  - name: x\n    deployments: []\n"):
        path.write_text(text)
        with pytest.raises(CommandError):
            call_command("load_models", str(path), stdout=StringIO())
    path.write_text(YAML)  # env var missing
    with pytest.raises(CommandError, match="GF_TEST_OPENAI_KEY") as missing:
        call_command("load_models", str(path), stdout=StringIO())
    # One readable line naming the field, not DRF's nested error structure.
    assert "deployments[0].api_key: Environment variable GF_TEST_OPENAI_KEY is not set." in str(missing.value)
    assert "ErrorDetail" not in str(missing.value)
    assert not LLMModel.objects.exists()


def test_bootstrap_creates_the_mock_model_once(gateway_reset):
    out = StringIO()
    call_command("bootstrap", stdout=out)
    call_command("bootstrap", stdout=out)
    assert LLMModel.objects.filter(name="mock").count() == 1
    assert "Created the built-in model 'mock'" in out.getvalue()
    assert "Model 'mock' already exists; nothing changed." in out.getvalue()


def test_admin_site_never_shows_the_key(client, operator, gateway_reset):
    from proxy.services.registry import model_upsert

    model = model_upsert(
        data={"name": "m", "deployments": [{"provider": "openai", "upstream_model": "x", "api_key": SECRET}]}
    )
    client.force_login(operator)
    page = client.get(f"/admin/proxy/llmmodel/{model.id}/change/")
    assert page.status_code == 200
    assert SECRET not in page.content.decode()
    assert Deployment.objects.get().api_key_encrypted not in page.content.decode()


@pytest.mark.parametrize(("path", "item"), [(MODELS, "LLMModel"), ("/api/v1/admin/tasks", "Task")])
def test_schema_documents_the_list_envelope(api_client, path, item):
    # The schema said one object; the lists answer {"data": [...]} (schemathesis response conformance).
    schema = api_client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    data = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["properties"]["data"]
    assert data == {"type": "array", "items": {"$ref": f"#/components/schemas/{item}"}}


def test_embedded_registry_sees_writes_made_by_another_process(gateway_reset):
    """With the in-process cache, `manage.py load_models` in another process cannot bump this
    process's version key; the snapshot must still follow the tables."""
    from proxy import registry

    model_upsert(data={"name": "m1", "deployments": [{"provider": "mock", "upstream_model": "m"}]})
    assert registry.registry_snapshot().models["m1"].context_window == 128_000
    # A write with no signal and no cache bump here: what another process's write looks like.
    LLMModel.objects.filter(name="m1").update(context_window=4096, updated_at=timezone.now())
    registry._holder.checked_at = 0.0  # the once-a-second check is due
    assert registry.registry_snapshot().models["m1"].context_window == 4096
