"""The custom user: email is the login, one account per mailbox whatever the case."""

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import IntegrityError, transaction

from accounts.models import User

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple-42"


def test_email_is_stored_in_one_spelling():
    user = User.objects.create_user(email="  Alice@X.com ", password=PASSWORD)

    user.refresh_from_db()
    assert user.email == "alice@x.com"
    assert user.role == User.Role.MEMBER
    assert not user.is_operator
    assert user.created_at is not None
    assert user.updated_at is not None


def test_same_mailbox_in_another_case_is_the_same_account():
    user = User.objects.create_user(email="Alice@X.com", password=PASSWORD)

    assert User.objects.get_by_natural_key("alice@x.com") == user
    assert User.objects.get_by_natural_key("ALICE@X.COM") == user


def test_a_second_account_for_the_same_mailbox_is_refused():
    User.objects.create_user(email="Alice@X.com", password=PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="alice@x.com", password=PASSWORD)
    assert User.objects.count() == 1


def test_the_database_refuses_a_case_variant_written_around_the_model():
    User.objects.create_user(email="alice@x.com", password=PASSWORD)
    other = User.objects.create_user(email="bob@x.com", password=PASSWORD)

    # .update() skips save() and its normalisation; the case-insensitive constraint still holds.
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=other.pk).update(email="ALICE@X.COM")


def test_authenticate_with_any_case():
    User.objects.create_user(email="Alice@X.com", password=PASSWORD)

    assert authenticate(email="ALICE@x.com", password=PASSWORD).email == "alice@x.com"
    assert authenticate(username="alice@X.COM", password=PASSWORD) is not None
    assert authenticate(email="alice@x.com", password="wrong-password-123") is None


def test_create_user_requires_an_email():
    with pytest.raises(ValueError, match="email"):
        User.objects.create_user(email="", password=PASSWORD)


def test_create_user_ignores_staff_flags():
    user = User.objects.create_user(email="m@x.com", password=PASSWORD, is_staff=True, is_superuser=True)

    assert user.role == User.Role.MEMBER
    assert not user.is_staff


def test_operator_is_staff_until_blocked_or_deactivated():
    from django.utils import timezone

    operator = User.objects.create_superuser(email="op@x.com", password=PASSWORD)
    assert operator.is_operator and operator.is_staff and operator.is_superuser
    assert operator.has_perm("accounts.change_user")

    operator.blocked_at = timezone.now()
    assert operator.is_blocked
    assert not operator.is_staff
    assert not operator.has_perm("accounts.change_user")


def test_createsuperuser_works_non_interactively_with_email(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", PASSWORD)

    call_command("createsuperuser", interactive=False, email="Boss@Example.com", name="Boss", verbosity=0)

    boss = User.objects.get(email="boss@example.com")
    assert boss.role == User.Role.ADMIN
    assert boss.name == "Boss"
    assert boss.check_password(PASSWORD)
    assert boss.password.startswith("argon2")


def test_operator_logs_in_to_the_admin(client):
    User.objects.create_superuser(email="op@example.com", password=PASSWORD)

    response = client.post("/admin/login/?next=/admin/", {"username": "OP@example.com", "password": PASSWORD})

    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/accounts/user/?q=op%40").status_code == 200
    assert client.get("/admin/accounts/user/?role__exact=admin&blocked=no").status_code == 200


def test_a_member_cannot_use_the_admin(client):
    User.objects.create_user(email="m@example.com", password=PASSWORD)

    client.post("/admin/login/", {"username": "m@example.com", "password": PASSWORD})

    assert client.get("/admin/").status_code == 302
