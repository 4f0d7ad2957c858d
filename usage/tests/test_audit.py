"""The audit log: one append-only row per security event, scrubbed of secrets."""

import pytest
from django.test import RequestFactory

from guardflow_site.logging import request_id_var
from usage.models import AuditLog
from usage.services import audit_record

pytestmark = pytest.mark.django_db


def test_audit_record_keeps_who_what_and_where(member, operator):
    request = RequestFactory().post("/x", REMOTE_ADDR="203.0.113.9", HTTP_USER_AGENT="pytest-agent")
    token = request_id_var.set("req-77")
    try:
        entry = audit_record(action="user.block", actor=operator, target=member, request=request)
    finally:
        request_id_var.reset(token)

    entry.refresh_from_db()
    assert entry.action == "user.block"
    assert (entry.actor, entry.actor_email) == (operator, "operator@example.com")
    assert (entry.target_type, entry.target_id) == ("accounts.user", str(member.pk))
    assert entry.ip_address == "203.0.113.9"
    assert entry.user_agent == "pytest-agent"
    assert entry.request_id == "req-77"


def test_audit_metadata_is_scrubbed_of_secrets(member):
    entry = audit_record(
        action="token.create",
        actor=member,
        metadata={"header": "Bearer gf_abcdefghijklmnop", "note": "password=hunter2-hunter2", "count": 3},
    )

    entry.refresh_from_db()
    stored = str(entry.metadata)
    assert "gf_abcdefghijklmnop" not in stored
    assert "hunter2" not in stored
    assert entry.metadata["count"] == 3


def test_system_events_have_no_actor_and_no_request():
    entry = audit_record(action="bootstrap.run")

    assert entry.actor is None
    assert entry.actor_email == ""
    assert entry.ip_address is None
    assert entry.request_id == ""
    assert AuditLog.objects.get() == entry


def test_deleting_the_actor_keeps_the_event(member):
    entry = audit_record(action="login.success", actor=member)

    member.delete()

    entry.refresh_from_db()
    assert entry.actor is None
    assert entry.actor_email == "member@example.com"
