"""The Django admin: usage records browsable, filterable, searchable, never editable."""

import pytest
from django.test import Client

from usage.models import UsageRecord


@pytest.fixture
def admin_client_(operator) -> Client:
    client = Client()
    client.force_login(operator)
    return client


@pytest.fixture
def records(member):
    UsageRecord.objects.create(request_id="req-alpha", user=member, model_name="mock", status="success")
    UsageRecord.objects.create(
        request_id="req-beta", model_name="gpt", status="upstream_error", prompt_content="[EMAIL] asked"
    )


def test_changelist_filters_and_search(admin_client_, records):
    url = "/admin/usage/usagerecord/"
    page = admin_client_.get(url)
    assert page.status_code == 200
    assert b"req-alpha" in page.content and b"req-beta" in page.content
    filtered = admin_client_.get(url, {"status__exact": "upstream_error"})
    assert b"req-beta" in filtered.content and b"req-alpha" not in filtered.content
    by_email = admin_client_.get(url, {"q": "member@example.com"})
    assert b"req-alpha" in by_email.content and b"req-beta" not in by_email.content


def test_record_is_read_only_and_content_only_when_stored(admin_client_, records):
    alpha = UsageRecord.objects.get(request_id="req-alpha")
    beta = UsageRecord.objects.get(request_id="req-beta")
    alpha_page = admin_client_.get(f"/admin/usage/usagerecord/{alpha.pk}/change/")
    assert alpha_page.status_code == 200
    assert b"Prompt content" not in alpha_page.content
    beta_page = admin_client_.get(f"/admin/usage/usagerecord/{beta.pk}/change/")
    assert b"[EMAIL] asked" in beta_page.content
    assert b'name="_save"' not in beta_page.content
    assert admin_client_.get("/admin/usage/usagerecord/add/").status_code == 403
    assert admin_client_.post(f"/admin/usage/usagerecord/{alpha.pk}/delete/").status_code == 403
    assert UsageRecord.objects.count() == 2


def test_members_cannot_open_the_admin(member, records):
    client = Client()
    client.force_login(member)
    response = client.get("/admin/usage/usagerecord/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
