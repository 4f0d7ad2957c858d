"""The deploy files stay consistent with the code (no Docker engine runs here; see docs/operations.md).

docker-compose.yml is read as YAML with merge keys resolved, as Compose does; the checks are
the rules of the issue: five services, each with a healthcheck and a restart policy, app
services waiting for healthy dependencies, production mode, and every variable documented.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
APP_SERVICES = ("web", "worker", "beat")
# Compose interpolation: ${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?err}; `$$` is a literal `$`.
_INTERPOLATION = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?:(?::?[-?+])[^}]*)?\}")


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())


def _env_example_names() -> set[str]:
    text = (BASE_DIR / ".env.example").read_text()
    return set(re.findall(r"^#?\s?([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def _settings_variables() -> set[str]:
    text = (BASE_DIR / "guardflow_site" / "settings.py").read_text()
    # env.str("X", ...), env.list(\n "X"), env("X"), and helpers named *_from_env("X", ...).
    return set(re.findall(r"env(?:\.\w+)?\(\s*\"([A-Z][A-Z0-9_]+)\"", text))


def test_compose_has_the_five_services(compose):
    assert set(compose["services"]) == {"postgres", "redis", "web", "worker", "beat"}


@pytest.mark.parametrize("service", ["postgres", "redis", "web", "worker", "beat"])
def test_every_service_has_a_healthcheck_and_restart_policy(compose, service):
    spec = compose["services"][service]

    assert spec["restart"] == "unless-stopped"
    assert spec["healthcheck"]["test"][0] in {"CMD", "CMD-SHELL"}
    assert len(spec["healthcheck"]["test"]) > 1


@pytest.mark.parametrize("service", APP_SERVICES)
def test_app_services_wait_for_healthy_dependencies_in_production_mode(compose, service):
    spec = compose["services"][service]

    assert spec["depends_on"]["postgres"] == {"condition": "service_healthy"}
    assert spec["depends_on"]["redis"] == {"condition": "service_healthy"}
    assert all(dep["condition"] == "service_healthy" for dep in spec["depends_on"].values())
    assert set(spec["depends_on"]) <= set(compose["services"])
    assert spec["environment"]["ENVIRONMENT"] == "production"
    assert "@postgres:5432/" in spec["environment"]["DATABASE_URL"]
    assert spec["environment"]["REDIS_URL"].startswith("redis://redis:6379/")
    assert spec["env_file"][0]["path"] == ".env"
    assert spec["build"] == "."


def test_compose_commands_run_the_real_processes(compose):
    web = " ".join(compose["services"]["web"]["command"])
    worker = " ".join(compose["services"]["worker"]["command"])
    beat = " ".join(compose["services"]["beat"]["command"])

    assert "migrate --noinput" in web
    assert "uvicorn guardflow_site.asgi:application --host 0.0.0.0" in web
    assert "--loop uvloop --http httptools" in web
    assert "celery -A guardflow_site worker" in worker
    assert "celery -A guardflow_site beat" in beat.replace(", ", " ")
    assert "/health/ready" in " ".join(compose["services"]["web"]["healthcheck"]["test"])


def test_compose_interpolations_are_well_formed():
    text = (BASE_DIR / "docker-compose.yml").read_text()
    stripped = _INTERPOLATION.sub("", text.replace("$$", ""))

    assert "$" not in stripped, "a bare `$` in docker-compose.yml: write `$$` for the container shell"


def test_dockerfile_runs_uvicorn_as_a_non_root_user():
    text = (BASE_DIR / "Dockerfile").read_text()

    assert re.search(r"^FROM python:3\.11-slim\b", text, flags=re.MULTILINE)
    user = re.findall(r"^USER\s+(\S+)", text, flags=re.MULTILINE)
    assert user and user[-1] not in {"root", "0"}
    assert "pip install -r requirements.txt" in text
    cmd = text[text.index("\nCMD ") :]
    for flag in ("--host 0.0.0.0", "--workers", "--loop uvloop", "--http httptools", "guardflow_site.asgi"):
        assert flag in cmd


def test_dockerignore_keeps_local_state_and_secrets_out_of_the_image():
    ignored = set((BASE_DIR / ".dockerignore").read_text().split())

    assert {".git", ".venv", "var", ".env"} <= ignored


def test_env_example_documents_every_variable_settings_reads():
    missing = _settings_variables() - _env_example_names()

    assert not missing, f"add to .env.example (and docs/operations.md): {sorted(missing)}"


def test_env_example_documents_bootstrap_and_compose_variables():
    assert {
        "ADMIN_EMAIL",
        "ADMIN_PASSWORD",
        "POSTGRES_PASSWORD",
        "PORT",
        "WEB_WORKERS",
    } <= _env_example_names()


def test_operations_doc_lists_every_variable():
    doc = (BASE_DIR / "docs" / "operations.md").read_text()
    missing = {name for name in _settings_variables() if f"`{name}`" not in doc}

    assert not missing, f"add to the table in docs/operations.md: {sorted(missing)}"


def test_env_example_values_are_valid_settings(tmp_path):
    """With the example file as the environment (plus a real key), production settings load."""
    env = {"PATH": os.environ.get("PATH", ""), "GUARDFLOW_VAR_DIR": str(tmp_path)}
    for line in (BASE_DIR / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s?([A-Z][A-Z0-9_]+)=(.*)$", line)
        if match and match.group(2):
            env[match.group(1)] = match.group(2)
    env.update(ENVIRONMENT="production", SECRET_KEY="x" + "Yz9-" * 20, DEBUG="false")
    env.update(GUARDFLOW_VAR_DIR=str(tmp_path), USAGE_SPOOL_DIR=str(tmp_path / "spool"))
    env.update(
        DATABASE_URL="postgres://guardflow:pw@postgres:5432/guardflow", REDIS_URL="redis://redis:6379/0"
    )

    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # Only the security checks here: test_settings.py holds the whole deploy check to WARNING.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "security.W" not in result.stdout + result.stderr
