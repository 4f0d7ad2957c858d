"""Settings in both modes, each read in a fresh interpreter with only the given environment.

A subprocess is the only honest way: settings are evaluated once at import, and the refusals
(weak SECRET_KEY, DEBUG in production) happen at import time, before Django can start.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
STRONG_KEY = secrets.token_urlsafe(64)

DUMP_SETTINGS = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({
    "DEBUG": s.DEBUG,
    "ENGINE": s.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(s.DATABASES["default"]["NAME"]),
    "CACHE": s.CACHES["default"]["BACKEND"],
    "CACHE_LOCATION": s.CACHES["default"].get("LOCATION"),
    "CHANNEL_LAYER": s.CHANNEL_LAYERS["default"]["BACKEND"],
    "BROKER": s.CELERY_BROKER_URL,
    "RESULT_BACKEND": s.CELERY_RESULT_BACKEND,
    "EMAIL_BACKEND": s.EMAIL_BACKEND,
    "EMAIL_FILE_PATH": getattr(s, "EMAIL_FILE_PATH", None),
    "EMAIL_HOST": getattr(s, "EMAIL_HOST", None),
    "SECRET_KEY": s.SECRET_KEY,
    "ALLOWED_HOSTS": s.ALLOWED_HOSTS,
    "CORS_ALLOWED_ORIGINS": s.CORS_ALLOWED_ORIGINS,
    "HSTS": getattr(s, "SECURE_HSTS_SECONDS", 0),
    "SESSION_COOKIE_SECURE": s.SESSION_COOKIE_SECURE,
}))
"""


def _env(var_dir: Path, **overrides: str) -> dict[str, str]:
    # Start from nothing so the developer's own environment cannot leak into "the default".
    env = {"PATH": os.environ.get("PATH", ""), "HOME": str(var_dir), "GUARDFLOW_VAR_DIR": str(var_dir)}
    env["DJANGO_SETTINGS_MODULE"] = "guardflow_site.settings"
    env.update(overrides)
    return env


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def _settings(var_dir: Path, **overrides: str) -> dict:
    result = _run(["-c", DUMP_SETTINGS], _env(var_dir, **overrides))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def _production(**overrides: str) -> dict[str, str]:
    base = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": STRONG_KEY,
        "ALLOWED_HOSTS": "gf.example.com",
        "DATABASE_URL": "postgres://guardflow:pw@db.internal:5432/guardflow",
        "REDIS_URL": "redis://redis.internal:6379/0",
        "EMAIL_URL": "smtp+tls://mailer:pw@mail.example.com:587",
        "CORS_ALLOWED_ORIGINS": "https://app.example.com,https://admin.example.com",
    }
    base.update(overrides)
    return base


def test_embedded_default_needs_no_service(tmp_path):
    s = _settings(tmp_path)

    assert s["DEBUG"] is False
    assert s["ENGINE"] == "django.db.backends.sqlite3"
    assert s["DB_NAME"] == str(tmp_path / "guardflow.sqlite3")
    assert s["CACHE"] == "django.core.cache.backends.locmem.LocMemCache"
    assert s["CHANNEL_LAYER"] == "channels.layers.InMemoryChannelLayer"
    assert s["BROKER"] == "filesystem://"
    assert s["RESULT_BACKEND"].startswith(f"file://{tmp_path}")
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert s["EMAIL_FILE_PATH"] == str(tmp_path / "mail")
    assert (tmp_path / "mail").is_dir()
    assert (tmp_path / "celery" / "broker" / "queue").is_dir()
    assert s["CORS_ALLOWED_ORIGINS"] == []
    assert s["HSTS"] == 0


def test_embedded_secret_key_is_random_and_survives_restarts(tmp_path):
    first = _settings(tmp_path)["SECRET_KEY"]
    second = _settings(tmp_path)["SECRET_KEY"]

    assert first == second
    assert len(first) >= 50
    assert (tmp_path / "secret_key").read_text().strip() == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0
    assert _settings(tmp_path / "other")["SECRET_KEY"] != first


def test_urls_switch_each_part_to_its_production_counterpart(tmp_path):
    s = _settings(tmp_path, **_production())

    assert s["ENGINE"] == "django.db.backends.postgresql"
    assert s["DB_NAME"] == "guardflow"
    assert s["CACHE"] == "guardflow_site.cache.GuardflowRedisCache"
    assert s["CACHE_LOCATION"] == "redis://redis.internal:6379/0"
    assert s["CHANNEL_LAYER"] == "channels_redis.core.RedisChannelLayer"
    assert s["BROKER"] == "redis://redis.internal:6379/0"
    assert s["RESULT_BACKEND"] == "redis://redis.internal:6379/0"
    assert s["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["EMAIL_HOST"] == "mail.example.com"
    assert s["ALLOWED_HOSTS"] == ["gf.example.com"]
    assert s["CORS_ALLOWED_ORIGINS"] == ["https://app.example.com", "https://admin.example.com"]
    assert s["HSTS"] >= 31536000
    assert s["SESSION_COOKIE_SECURE"] is True


def test_celery_broker_url_overrides_redis(tmp_path):
    s = _settings(tmp_path, REDIS_URL="redis://r:6379/0", CELERY_BROKER_URL="amqp://guest@rabbit:5672//")

    assert s["BROKER"] == "amqp://guest@rabbit:5672//"
    assert s["CACHE"] == "guardflow_site.cache.GuardflowRedisCache"


@pytest.mark.parametrize(
    ("secret_key", "reason"),
    [
        ("", "it is not set"),
        ("change-me", "it is a known default"),
        ("django-insecure-" + "x1y2z3" * 10, "it is a known default"),
        ("Short-but-random-9f8e7d", "shorter than 50"),
        ("ab" * 40, "too few distinct characters"),
    ],
)
def test_production_refuses_a_default_or_weak_secret_key(tmp_path, secret_key, reason):
    result = _run(["manage.py", "check"], _env(tmp_path, **_production(SECRET_KEY=secret_key)))

    assert result.returncode != 0
    assert "SECRET_KEY is unusable in production" in result.stderr
    assert reason in result.stderr
    if secret_key:
        assert secret_key not in result.stderr + result.stdout


def test_production_refuses_debug(tmp_path):
    result = _run(["manage.py", "check"], _env(tmp_path, **_production(DEBUG="true")))

    assert result.returncode != 0
    assert "DEBUG must be off when ENVIRONMENT=production" in result.stderr


def test_production_requires_allowed_hosts(tmp_path):
    env = _env(tmp_path, **_production())
    del env["ALLOWED_HOSTS"]
    result = _run(["manage.py", "check"], env)

    assert result.returncode != 0
    assert "ALLOWED_HOSTS must be set" in result.stderr


def test_unknown_environment_is_refused(tmp_path):
    result = _run(["manage.py", "check"], _env(tmp_path, ENVIRONMENT="prod"))

    assert result.returncode != 0
    assert "ENVIRONMENT must be development, production or test" in result.stderr


def test_check_deploy_is_clean_in_production(tmp_path):
    deploy_check = ["manage.py", "check", "--deploy", "--fail-level", "WARNING"]
    result = _run(deploy_check, _env(tmp_path, **_production()))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_flags_the_embedded_default(tmp_path):
    # The same check must be able to fail, or the test above proves nothing.
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], _env(tmp_path))

    assert result.returncode != 0
    assert "security.W004" in result.stderr + result.stdout
