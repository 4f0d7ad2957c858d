"""`manage.py bootstrap`: idempotent, prints a generated password once and never logs it."""

import io
import logging
import re

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command

from accounts.models import User

pytestmark = pytest.mark.django_db

STRONG = "Plenty-Long-Operator-Passphrase-91"


@pytest.fixture(autouse=True)
def _no_admin_env(monkeypatch):
    monkeypatch.delenv("ADMIN_EMAIL", raising=False)
    monkeypatch.delenv("ADMIN_PASSWORD", raising=False)


def bootstrap() -> str:
    out = io.StringIO()
    call_command("bootstrap", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def generated_password(output: str) -> str:
    match = re.search(r"password: (\S+)", output)
    assert match, output
    return match.group(1)


def test_first_run_generates_a_strong_password_and_prints_it_once(caplog):
    caplog.set_level(logging.DEBUG)
    first = bootstrap()
    password = generated_password(first)

    operator = User.objects.get(role=User.Role.ADMIN)
    assert operator.email == "admin@localhost"
    assert operator.check_password(password)
    assert len(password) >= 24
    assert first.count(password) == 1
    assert password not in operator.password  # stored hashed only
    assert all(password not in record.getMessage() for record in caplog.records)


def test_generated_password_logs_in():
    password = generated_password(bootstrap())

    assert authenticate(email="admin@localhost", password=password) is not None


def test_second_run_changes_nothing_and_says_so():
    password = generated_password(bootstrap())
    before = User.objects.get(role=User.Role.ADMIN)

    second = bootstrap()

    assert "nothing changed" in second
    assert "password" not in second.lower().replace("changepassword", "")
    assert password not in second
    after = User.objects.get(role=User.Role.ADMIN)
    assert (after.pk, after.password, after.updated_at) == (before.pk, before.password, before.updated_at)
    assert User.objects.count() == 1


def test_admin_email_and_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMIN_EMAIL", "Ops@Example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", STRONG)

    output = bootstrap()

    operator = User.objects.get(email="ops@example.com")
    assert operator.role == User.Role.ADMIN
    assert operator.check_password(STRONG)
    assert STRONG not in output
    assert "Created operator ops@example.com" in output
    assert "nothing changed" in bootstrap()


def test_admin_email_without_password_generates_one(monkeypatch):
    monkeypatch.setenv("ADMIN_EMAIL", "ops@example.com")

    password = generated_password(bootstrap())

    assert User.objects.get(email="ops@example.com").check_password(password)


def test_existing_account_is_never_changed(monkeypatch, user_factory):
    member = user_factory(email="ops@example.com")
    monkeypatch.setenv("ADMIN_EMAIL", "OPS@example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", STRONG)

    output = bootstrap()

    member.refresh_from_db()
    assert "nothing changed" in output
    assert member.role == User.Role.MEMBER
    assert not member.check_password(STRONG)


@pytest.mark.parametrize("weak", ["Zq7!vb", "password1234", "123456789012"])
def test_weak_admin_password_is_refused_and_nothing_is_created(monkeypatch, weak):
    monkeypatch.setenv("ADMIN_EMAIL", "ops@example.com")
    monkeypatch.setenv("ADMIN_PASSWORD", weak)

    with pytest.raises(CommandError, match="ADMIN_PASSWORD is not acceptable") as excinfo:
        bootstrap()

    assert weak not in str(excinfo.value)
    assert not User.objects.exists()


def test_an_existing_operator_satisfies_bootstrap_without_env(user_factory):
    existing = user_factory(email="first-op@example.com", role=User.Role.ADMIN)

    output = bootstrap()

    assert f"Operator {existing.email} already exists; nothing changed." in output
    assert User.objects.count() == 1
