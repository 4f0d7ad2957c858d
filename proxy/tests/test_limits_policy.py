"""Which checks apply to a request (user defaults, token extras, model scope), the ledger choice,
the headers helper and how refusals render."""

import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.test import override_settings

from guardflow_site.errors import api_exception_handler
from proxy.limits import (
    LimitCheck,
    LimitExceeded,
    LimitKind,
    LimitStatus,
    LimitsUnavailable,
    MemoryLedger,
    RedisLedger,
    get_ledger,
    limit_checks_for,
    limits_snapshot,
    rate_limit_headers,
    reset_ledger,
    tokens_to_reserve,
    usd_to_cost_units,
)

K = LimitKind
NO_DEFAULTS = {kind.value: None for kind in K}


@dataclass
class Caller:
    user_id: int = 1
    token_id: int | None = None
    user_limits: dict = field(default_factory=dict)
    token_limits: dict = field(default_factory=dict)


def by_scope_kind(checks: list[LimitCheck]) -> dict[tuple[str, LimitKind], LimitCheck]:
    return {(c.scope, c.kind): c for c in checks}


@override_settings(
    GATEWAY_DEFAULT_LIMITS={**NO_DEFAULTS, "requests_per_minute": 600, "usd_per_day": Decimal("5")}
)
def test_user_defaults_fill_unset_fields_and_own_values_win():
    checks = limit_checks_for(
        principal=Caller(
            user_limits={"requests_per_minute": 30, "tokens_per_day": 50_000, "usd_per_day": None}
        ),
        model_name="mock",
        estimated_tokens=1200,
        estimated_cost_units=340,
    )
    got = by_scope_kind(checks)
    assert set(got) == {
        ("user:1", K.REQUESTS_PER_MINUTE),
        ("user:1", K.TOKENS_PER_DAY),
        ("user:1", K.USD_PER_DAY),
    }
    assert got["user:1", K.REQUESTS_PER_MINUTE] == LimitCheck(K.REQUESTS_PER_MINUTE, "user:1", 30, 1)
    assert got["user:1", K.TOKENS_PER_DAY] == LimitCheck(K.TOKENS_PER_DAY, "user:1", 50_000, 1200)
    assert got["user:1", K.USD_PER_DAY] == LimitCheck(K.USD_PER_DAY, "user:1", 500_000_000, 340)


@override_settings(GATEWAY_DEFAULT_LIMITS={**NO_DEFAULTS, "requests_per_minute": 600})
def test_a_token_adds_only_the_limits_it_sets():
    caller = Caller(
        token_id=9,
        token_limits={
            "requests_per_minute": 5,
            "usd_per_month": Decimal("0.2500"),
            "max_concurrent_requests": 2,
        },
    )
    got = by_scope_kind(
        limit_checks_for(principal=caller, model_name="m", estimated_tokens=10, estimated_cost_units=7)
    )
    assert set(got) == {
        ("user:1", K.REQUESTS_PER_MINUTE),
        ("token:9", K.REQUESTS_PER_MINUTE),
        ("token:9", K.USD_PER_MONTH),
        ("token:9", K.MAX_CONCURRENT_REQUESTS),
    }
    assert got["token:9", K.USD_PER_MONTH].limit == 25_000_000
    assert got["token:9", K.USD_PER_MONTH].amount == 7
    assert got["token:9", K.MAX_CONCURRENT_REQUESTS].amount == 1


@override_settings(GATEWAY_DEFAULT_LIMITS=NO_DEFAULTS)
def test_no_limits_anywhere_means_no_checks_and_a_jwt_has_no_token_scope():
    caller = Caller(token_id=None, token_limits={"requests_per_minute": 1})
    assert (
        limit_checks_for(principal=caller, model_name="m", estimated_tokens=1, estimated_cost_units=1) == []
    )


@override_settings(GATEWAY_DEFAULT_LIMITS=NO_DEFAULTS)
def test_per_model_limits_get_their_own_scope():
    checks = limit_checks_for(
        principal=Caller(user_id=4, user_limits=None),
        model_name="gpt-4o",
        estimated_tokens=900,
        estimated_cost_units=0,
        model_limits={"tokens_per_month": 1_000_000},
    )
    assert checks == [LimitCheck(K.TOKENS_PER_MONTH, "user:4:model:gpt-4o", 1_000_000, 900)]


async def test_the_stricter_limit_wins_end_to_end():
    ledger = MemoryLedger()
    caller = Caller(token_id=2, user_limits={"requests_per_hour": 100}, token_limits={"requests_per_hour": 2})
    with override_settings(GATEWAY_DEFAULT_LIMITS=NO_DEFAULTS):
        checks = limit_checks_for(
            principal=caller, model_name="m", estimated_tokens=1, estimated_cost_units=0
        )
    await ledger.reserve(checks=checks, request_id="1")
    await ledger.reserve(checks=checks, request_id="2")
    with pytest.raises(LimitExceeded) as refused:
        await ledger.reserve(checks=checks, request_id="3")
    assert (refused.value.scope, refused.value.kind) == ("token:2", K.REQUESTS_PER_HOUR)


@override_settings(GATEWAY_DEFAULT_MAX_TOKENS_RESERVE=2048)
def test_tokens_to_reserve_uses_max_tokens_else_the_model_cap_else_the_setting():
    assert tokens_to_reserve(input_tokens=100, max_tokens=50) == 150
    assert tokens_to_reserve(input_tokens=100, max_tokens=None, cap=1000) == 1100
    assert tokens_to_reserve(input_tokens=100, max_tokens=None) == 2148
    assert tokens_to_reserve(input_tokens=100, max_tokens=0, cap=1000) == 100


@pytest.mark.parametrize(
    ("value", "units"),
    [
        (Decimal("1.5"), 150_000_000),
        ("0.0001", 10_000),
        (2, 200_000_000),
        (Decimal("0.00000645"), 645),  # a record's cost converts exactly: 8 decimal places
        (Decimal("0.000000009"), 0),
        (0.1, 10_000_000),
    ],
)
def test_usd_to_cost_units(value, units):
    assert usd_to_cost_units(value) == units


def test_limits_round_down_and_costs_up_beyond_the_unit():
    assert usd_to_cost_units(Decimal("0.000000009")) == 0  # a limit: never more than was set
    assert usd_to_cost_units(Decimal("0.000000009"), round_up=True) == 1  # a cost: never free
    assert usd_to_cost_units(Decimal("0.00000645"), round_up=True) == 645


@pytest.mark.parametrize("value", ["-1", "abc", "NaN", "Infinity"])
def test_usd_to_cost_units_rejects_nonsense(value):
    with pytest.raises(ValueError):
        usd_to_cost_units(value)


@pytest.mark.skipif(
    any(name.startswith("GATEWAY_DEFAULT_") for name in os.environ), reason="defaults overridden by env"
)
def test_settings_ship_a_generous_default_rate_and_no_other_default():
    from django.conf import settings

    assert settings.GATEWAY_DEFAULT_LIMITS["requests_per_minute"] == 600
    assert {k for k, v in settings.GATEWAY_DEFAULT_LIMITS.items() if v is not None} == {"requests_per_minute"}
    assert settings.GATEWAY_DEFAULT_MAX_TOKENS_RESERVE > 0


# --- the ledger choice ---------------------------------------------------------------------------


@pytest.fixture
def fresh_ledger():
    reset_ledger()
    yield
    reset_ledger()


def test_auto_picks_memory_without_redis_and_is_a_singleton(fresh_ledger):
    with override_settings(LIMITS_BACKEND="auto", LIMITS_REDIS_URL="", REDIS_URL=""):
        assert isinstance(get_ledger(), MemoryLedger)
        assert get_ledger() is get_ledger()


def test_auto_picks_redis_when_a_url_is_set(fresh_ledger):
    with override_settings(LIMITS_BACKEND="auto", LIMITS_REDIS_URL="redis://127.0.0.1:6379/15"):
        assert isinstance(get_ledger(), RedisLedger)


async def test_limits_snapshot_shows_what_the_principal_has_used(fresh_ledger):
    caller = Caller(token_id=3, user_limits={"tokens_per_day": 1000}, token_limits={"requests_per_day": 5})
    with override_settings(
        LIMITS_BACKEND="memory", GATEWAY_DEFAULT_LIMITS={**NO_DEFAULTS, "requests_per_minute": 60}
    ):
        checks = limit_checks_for(
            principal=caller, model_name="m", estimated_tokens=300, estimated_cost_units=0
        )
        await get_ledger().reserve(checks=checks, request_id="r")
        shown = {
            (s["scope"], s["kind"]): s
            for s in [status.as_dict() for status in await limits_snapshot(principal=caller)]
        }
    assert set(shown) == {
        ("user:1", "requests_per_minute"),
        ("user:1", "tokens_per_day"),
        ("token:3", "requests_per_day"),
    }
    assert (shown["user:1", "tokens_per_day"]["used"], shown["user:1", "tokens_per_day"]["remaining"]) == (
        300,
        700,
    )
    assert shown["token:3", "requests_per_day"]["remaining"] == 4


def test_redis_backend_without_url_is_a_configuration_error(fresh_ledger):
    from django.core.exceptions import ImproperlyConfigured

    with (
        override_settings(LIMITS_BACKEND="redis", LIMITS_REDIS_URL="", REDIS_URL=""),
        pytest.raises(ImproperlyConfigured),
    ):
        get_ledger()


# --- headers and rendering -----------------------------------------------------------------------

RESET_MINUTE = datetime(2026, 11, 21, 10, 21, tzinfo=UTC)
RESET_DAY = datetime(2026, 11, 22, tzinfo=UTC)


def test_headers_come_from_the_tightest_request_rate_limit():
    statuses = [
        LimitStatus(K.REQUESTS_PER_MINUTE, "user:1", 60, 50, RESET_MINUTE),
        LimitStatus(K.REQUESTS_PER_MINUTE, "token:2", 10, 9, RESET_MINUTE),
        LimitStatus(K.REQUESTS_PER_DAY, "user:1", 1000, 999, RESET_DAY),  # ties with token:2, resets later
        LimitStatus(K.TOKENS_PER_DAY, "user:1", 100, 100, RESET_DAY),  # not a request rate
    ]
    assert rate_limit_headers(statuses) == {
        "X-RateLimit-Limit": "10",
        "X-RateLimit-Remaining": "1",
        "X-RateLimit-Reset": str(int(RESET_MINUTE.timestamp())),
    }


def test_no_request_rate_limit_means_no_headers():
    assert rate_limit_headers([LimitStatus(K.TOKENS_PER_DAY, "user:1", 100, 3, RESET_DAY)]) == {}


def render(exc: Exception) -> tuple[int, dict, dict]:
    response = api_exception_handler(exc, {})
    response.render = lambda: None
    return response.status_code, response.data, dict(response.items())


def test_a_quota_refusal_renders_as_openai_insufficient_quota_with_retry_after():
    limit = LimitCheck(K.TOKENS_PER_DAY, "token:5", 1000, 300)
    exc = LimitExceeded(
        check=limit,
        used=800,
        reset_at=RESET_DAY,
        retry_after=4799.2,
        statuses=[LimitStatus(K.REQUESTS_PER_MINUTE, "user:1", 60, 12, RESET_MINUTE)],
    )
    status, body, headers = render(exc)
    assert status == 429
    assert body["error"]["code"] == "insufficient_quota"
    assert body["error"]["type"] == "insufficient_quota"
    assert "tokens_per_day" in body["error"]["message"] and "token:5" in body["error"]["message"]
    assert headers["Retry-After"] == "4799"
    assert headers["X-RateLimit-Remaining"] == "48"
    plain = exc.to_response()
    assert plain.status_code == 429 and plain["Retry-After"] == "4799"
    assert json.loads(plain.content)["error"]["code"] == "insufficient_quota"


def test_a_rate_refusal_renders_as_rate_limit_exceeded():
    exc = LimitExceeded(
        check=LimitCheck(K.MAX_CONCURRENT_REQUESTS, "user:1", 2, 1), used=2, reset_at=None, retry_after=0
    )
    status, body, headers = render(exc)
    assert (status, body["error"]["code"], body["error"]["type"]) == (
        429,
        "rate_limit_exceeded",
        "rate_limit_error",
    )
    assert headers["Retry-After"] == "1"


def test_limits_unavailable_renders_as_503():
    status, body, headers = render(LimitsUnavailable())
    assert status == 503
    assert body["error"]["code"] == "limits_unavailable"
    assert "unreachable" in body["error"]["message"]
    assert "Retry-After" in headers
