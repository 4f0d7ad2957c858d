"""The usage read API through HTTP: own data only, operator-only admin views, 400 on junk."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from accounts.services import auth_tokens_issue
from usage.models import AuditLog, UsageRecord

NOW = datetime.now(UTC)


def _auth(client, user):
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {auth_tokens_issue(user=user)['access_token']}")
    return client


def _record(user, request_id, **fields):
    fields.setdefault("model_name", "mock")
    fields.setdefault("provider", "mock")
    return UsageRecord.objects.create(user=user, request_id=request_id, **fields)


def _assert_error(response, status, code=None):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert set(error) >= {"type", "code", "message"}
    if code:
        assert error["code"] == code


@pytest.fixture
def history(member, operator):
    last_year = NOW - timedelta(days=400)
    _record(member, "m-old", created_at=last_year, input_tokens=1000, output_tokens=10, cost_usd=Decimal("1"))
    _record(member, "m-now", input_tokens=10, output_tokens=5, cost_usd=Decimal("0.25"), latency_ms=100)
    _record(
        member,
        "m-err",
        model_name="gpt",
        provider="openai",
        status="upstream_error",
        http_status=502,
        latency_ms=300,
        flagged=True,
    )
    _record(operator, "o-now", input_tokens=7, output_tokens=3, cost_usd=Decimal("0.5"), latency_ms=50)


def test_profile_has_identity_and_usage_totals(api_client, member, history):
    response = _auth(api_client, member).get("/api/v1/user/profile")
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == "member@example.com" and body["role"] == "member" and body["id"] == member.id
    assert "mfa_enabled" in body
    usage = body["usage"]
    assert usage["all_time"]["requests"] == 3
    assert usage["all_time"]["input_tokens"] == 1010
    assert Decimal(str(usage["all_time"]["cost_usd"])) == Decimal("1.25")
    assert usage["today"]["requests"] == 2
    assert usage["today"]["output_tokens"] == 5
    assert usage["month"]["requests"] == 2


def test_profile_needs_authentication(api_client):
    _assert_error(api_client.get("/api/v1/user/profile"), 401)


def test_user_usage_lists_only_own_records(api_client, member, history):
    response = _auth(api_client, member).get("/api/v1/user/usage")
    assert response.status_code == 200
    ids = {row["request_id"] for row in response.json()["results"]}
    assert ids == {"m-old", "m-now", "m-err"}
    assert "prompt_content" not in response.json()["results"][0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("model=gpt", {"m-err"}),
        ("status=success", {"m-old", "m-now"}),
        (f"start={(NOW - timedelta(days=1)).date().isoformat()}", {"m-now", "m-err"}),
        (f"end={(NOW - timedelta(days=2)).date().isoformat()}", {"m-old"}),
        (f"end={NOW.date().isoformat()}", {"m-old", "m-now", "m-err"}),  # a bare end date includes that day
        (f"end={NOW.date().isoformat()}T00:00:00Z", {"m-old"}),
        (f"start={(NOW - timedelta(days=401)).date()}&end={(NOW - timedelta(days=399)).date()}", {"m-old"}),
    ],
)
def test_user_usage_filters(api_client, member, history, query, expected):
    response = _auth(api_client, member).get(f"/api/v1/user/usage?{query}")
    assert response.status_code == 200, response.content
    assert {row["request_id"] for row in response.json()["results"]} == expected


def test_user_usage_paginates(api_client, member, history):
    response = _auth(api_client, member).get("/api/v1/user/usage?page_size=2&page=2")
    assert response.status_code == 200
    assert response.json()["count"] == 3 and len(response.json()["results"]) == 1


@pytest.mark.parametrize(
    "query",
    [
        "start=yesterday",
        "end=2026-13-45",
        "start=2026-02-01&end=2026-01-01",
        "status=exploded",
        "page=abc",
        "page=0",
        "page_size=100000",
    ],
)
def test_user_usage_bad_query_is_400(api_client, member, query):
    _assert_error(_auth(api_client, member).get(f"/api/v1/user/usage?{query}"), 400)


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/admin/logs",
        "/api/v1/admin/analytics/usage?group_by=day",
        "/api/v1/admin/audit-logs",
    ],
)
def test_admin_endpoints_refuse_members(api_client, member, path):
    _assert_error(_auth(api_client, member).get(path), 403)


def test_admin_logs_sees_everyone_and_filters(api_client, operator, member, history):
    client = _auth(api_client, operator)
    everyone = client.get("/api/v1/admin/logs").json()
    assert everyone["count"] == 4
    by_id = client.get(f"/api/v1/admin/logs?user={member.id}").json()
    assert {r["request_id"] for r in by_id["results"]} == {"m-old", "m-now", "m-err"}
    by_email = client.get("/api/v1/admin/logs?user=Operator@Example.com").json()
    assert [r["request_id"] for r in by_email["results"]] == ["o-now"]
    assert by_email["results"][0]["user_email"] == "operator@example.com"
    flagged = client.get("/api/v1/admin/logs?flagged=true").json()
    assert [r["request_id"] for r in flagged["results"]] == ["m-err"]
    errors = client.get("/api/v1/admin/logs?status=upstream_error&model=gpt").json()
    assert [r["request_id"] for r in errors["results"]] == ["m-err"]


def test_admin_logs_filters_by_task(api_client, operator, member):
    from proxy.models import Task

    task = Task.objects.create(name="support")
    _record(member, "with-task", task=task)
    _record(member, "without-task")
    response = _auth(api_client, operator).get(f"/api/v1/admin/logs?task={task.id}")
    assert [r["request_id"] for r in response.json()["results"]] == ["with-task"]


@pytest.mark.parametrize(
    "query",
    [
        "flagged=maybe",
        "task=x",
        "task=99999999999999999999",
        "user=" + "a" * 300,
        "user=99999999999999999999",
        "user=0",
        "model=%00",
        "user=%00",  # NUL in a filter was a 500 on PostgreSQL (found by fuzzing)
        "user=a%00b@example.com",
        "start=2026-01-01T25:00",
        "end=9999-12-31",
        "start=0001-01-01T00:00:00%2B05:00",
    ],
)
def test_admin_logs_bad_query_is_400(api_client, operator, query):
    _assert_error(_auth(api_client, operator).get(f"/api/v1/admin/logs?{query}"), 400)


def test_analytics_by_model(api_client, operator, history):
    response = _auth(api_client, operator).get("/api/v1/admin/analytics/usage?group_by=model")
    assert response.status_code == 200, response.content
    rows = {row["group"]: row for row in response.json()["results"]}
    assert set(rows) == {"mock", "gpt"}
    mock = rows["mock"]
    assert mock["requests"] == 3 and mock["errors"] == 0
    assert mock["input_tokens"] == 1017 and mock["output_tokens"] == 18
    assert Decimal(str(mock["cost_usd"])) == Decimal("1.75")
    # latencies 0, 50, 100 → p50 = 50, p95 = 95 (linear interpolation, like PERCENTILE_CONT)
    assert mock["latency_p50_ms"] == 50 and mock["latency_p95_ms"] == pytest.approx(95)
    assert rows["gpt"]["errors"] == 1


def test_analytics_by_user_day_and_provider(api_client, operator, member, history):
    client = _auth(api_client, operator)
    by_user = {
        r["group"]: r for r in client.get("/api/v1/admin/analytics/usage?group_by=user").json()["results"]
    }
    assert by_user[member.id]["requests"] == 3 and by_user[member.id]["email"] == "member@example.com"
    by_day = client.get("/api/v1/admin/analytics/usage?group_by=day").json()["results"]
    assert [r["group"] for r in by_day] == sorted(r["group"] for r in by_day)
    assert by_day[-1]["group"] == NOW.date().isoformat() and by_day[-1]["requests"] == 3
    since = (NOW - timedelta(days=1)).date()
    providers = client.get(f"/api/v1/admin/analytics/usage?group_by=provider&start={since}").json()["results"]
    assert {r["group"]: r["requests"] for r in providers} == {"mock": 2, "openai": 1}


@pytest.mark.parametrize("query", ["", "group_by=week", "group_by=day&start=junk"])
def test_analytics_bad_query_is_400(api_client, operator, query):
    _assert_error(_auth(api_client, operator).get(f"/api/v1/admin/analytics/usage?{query}"), 400)


def test_analytics_empty_range(api_client, operator, history):
    response = _auth(api_client, operator).get(
        "/api/v1/admin/analytics/usage?group_by=day&start=2001-01-01&end=2001-01-02"
    )
    assert response.status_code == 200 and response.json()["results"] == []


def test_audit_logs_filters(api_client, operator, member):
    AuditLog.objects.create(action="login_succeeded", actor=member, actor_email=member.email)
    AuditLog.objects.create(action="token_created", actor=operator, actor_email=operator.email)
    client = _auth(api_client, operator)
    assert {r["action"] for r in client.get("/api/v1/admin/audit-logs").json()["results"]} >= {
        "login_succeeded",
        "token_created",
    }
    by_action = client.get("/api/v1/admin/audit-logs?action=token_created").json()["results"]
    assert [r["actor_email"] for r in by_action] == ["operator@example.com"]
    by_actor = client.get(f"/api/v1/admin/audit-logs?actor={member.id}").json()["results"]
    assert {r["action"] for r in by_actor} == {"login_succeeded"}
    by_email = client.get("/api/v1/admin/audit-logs?actor=MEMBER@example.com").json()["results"]
    assert {r["action"] for r in by_email} == {"login_succeeded"}
    future = client.get("/api/v1/admin/audit-logs?start=2999-01-01").json()
    assert future["count"] == 0
    _assert_error(client.get("/api/v1/admin/audit-logs?end=tomorrow"), 400)
    _assert_error(client.get("/api/v1/admin/audit-logs?actor=99999999999999999999"), 400)
    _assert_error(client.get("/api/v1/admin/audit-logs?actor=%00"), 400)  # was a 500 on PostgreSQL
    _assert_error(client.get("/api/v1/admin/audit-logs?actor=" + "a" * 300), 400)
    superscript = client.get("/api/v1/admin/audit-logs?actor=%C2%B2")  # "²".isdigit() is True
    assert superscript.status_code == 200 and superscript.json()["count"] == 0


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/api/v1/user/usage", "PaginatedUsageRecordList"),
        ("/api/v1/admin/logs", "PaginatedAdminUsageRecordList"),
        ("/api/v1/admin/audit-logs", "PaginatedAuditLogList"),
    ],
)
def test_schema_documents_the_paginated_envelope(api_client, path, component):
    # The schema said one record (schemathesis: "cost_usd is a required property" on {"count": ...}).
    schema = api_client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    body = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    assert body == {"$ref": f"#/components/schemas/{component}"}
    assert set(schema["components"]["schemas"][component]["properties"]) >= {"count", "results"}


def test_schema_documents_cost_totals_as_the_numbers_they_are(api_client, member, history):
    # Totals are a JSON number (0.0), not the string a DecimalField documents (schemathesis ST108).
    schema = api_client.get("/api/v1/schema", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert schema["components"]["schemas"]["UsageTotals"]["properties"]["cost_usd"]["type"] == "number"
    totals = _auth(api_client, member).get("/api/v1/user/profile").json()["usage"]["all_time"]
    assert isinstance(totals["cost_usd"], float)
