"""Shared pytest fixtures.

`make test` runs everything not marked `integration` on the embedded default;
`make test-integration` runs the `integration` tests against real PostgreSQL and Redis.
"""

import os

import pytest
from rest_framework.test import APIClient


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("REDIS_URL") and os.environ.get("DATABASE_URL", "").startswith("postgres"):
        return
    skip = pytest.mark.skip(reason="integration: needs DATABASE_URL (PostgreSQL) and REDIS_URL")
    for item in items:
        if "integration" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _celery_eager_outside_integration(request: pytest.FixtureRequest):
    """Unit tests run Celery tasks inline; integration tests use the real broker and worker."""
    from guardflow_site.celery import app

    eager = "integration" not in request.keywords
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = eager
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    from accounts.near_cache import near_cache

    cache.clear()
    near_cache.clear()
    yield
    cache.clear()
    near_cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def user_factory(db):
    from accounts.models import User

    counter = {"n": 0}

    def make(**fields) -> User:
        counter["n"] += 1
        fields.setdefault("email", f"user{counter['n']}@example.com")
        fields.setdefault("name", f"User {counter['n']}")
        password = fields.pop("password", "correct-horse-battery-staple-42")
        return User.objects.create_user(password=password, **fields)

    return make


@pytest.fixture
def member(user_factory):
    return user_factory(email="member@example.com", name="Member")


@pytest.fixture
def operator(user_factory):
    from accounts.models import User

    return user_factory(email="operator@example.com", name="Operator", role=User.Role.ADMIN)


# --- gateway -----------------------------------------------------------------------------------


@pytest.fixture
def gateway_reset():
    """Each test starts with a fresh registry snapshot, limits ledger and usage writer queue."""
    from proxy.guard.config import guard_config_clear
    from proxy.limits import reset_ledger
    from proxy.registry import registry_reset

    registry_reset()
    reset_ledger()
    _seed_guard_policies()  # transactional tests flush the rows the data migration seeded
    guard_config_clear()
    yield
    from usage.services import usage_flush

    usage_flush()
    registry_reset()
    reset_ledger()


def _seed_guard_policies() -> None:
    import importlib

    from django.apps import apps

    importlib.import_module("proxy.guard.migrations.0002_seed_policies").seed(apps, None)


@pytest.fixture
def guard_policies_seeded(transactional_db):
    """The default guard policies, for transactional tests (their flush removes the rows the data
    migration seeded; serialized_rollback would re-insert content types and collide)."""
    from proxy.guard.config import guard_config_clear

    _seed_guard_policies()
    guard_config_clear()


@pytest.fixture
def api_token_factory(db):
    """Make an API token for a user; returns (clear value, token)."""
    import secrets

    from accounts.authentication import api_token_hash
    from accounts.models import APIToken

    def make(user, *, scopes=("gateway",), **fields):
        value = "gf_" + secrets.token_urlsafe(32)
        token = APIToken.objects.create(
            user=user,
            name=fields.pop("name", "test token"),
            prefix=value[:10],
            token_hash=api_token_hash(value),
            scopes=list(scopes),
            **fields,
        )
        return value, token

    return make


@pytest.fixture
def mock_model(db, gateway_reset):
    from proxy.services.registry import model_ensure_mock

    model_ensure_mock()
    from proxy.models import LLMModel

    return LLMModel.objects.get(name="mock")


# --- Usage records in tests ------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _usage_inline_writes(request: pytest.FixtureRequest):
    """Usage records are written in the test's own thread and transaction: immediately from sync
    code, and at `usage_flush()` when submitted from async code (the gateway). So call
    `usage.services.usage_flush()` before asserting on UsageRecord rows. Tests of the real
    background writer use the `usage_buffered` fixture (usage/tests/conftest.py) instead."""
    if "usage_buffered" in request.fixturenames:
        yield
        return
    from django.conf import settings

    from usage.services import usage_writer

    previous = settings.USAGE_WRITE_MODE
    settings.USAGE_WRITE_MODE = "inline"
    yield
    settings.USAGE_WRITE_MODE = previous
    usage_writer.discard()


# --- Limits (proxy/limits) -------------------------------------------------------------------
@pytest.fixture(autouse=True, scope="session")
def _limits_key_prefix_per_session():
    """Redis limit counters of one test run never meet another run's (ids restart, counters
    live up to a month): a key prefix per session, its keys deleted at the end."""
    from proxy.limits.testing import limits_session_prefix

    with limits_session_prefix():
        yield
