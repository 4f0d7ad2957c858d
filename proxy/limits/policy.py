"""Which limits apply to a request, and what it reserves against each.

A request must fit ALL of them, so the stricter of the user's and the token's limit always wins:
- user scope `user:<id>`: the user's own limits; a field left unset (None) takes the default from
  settings (`GATEWAY_DEFAULT_LIMITS`);
- token scope `token:<id>` (API tokens only): the token's own limits; unset means no extra limit;
- optional per-model scope `user:<id>:model:<name>`: limits the gateway may add for one model.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, ROUND_UP, Decimal, InvalidOperation
from typing import Any, Protocol

from django.conf import settings

from proxy.limits.types import COST_UNITS_PER_USD, LimitCheck, LimitKind

FALLBACK_MAX_TOKENS_RESERVE = 4096


class LimitedPrincipal(Protocol):
    """What the policy needs from `accounts.principal.Principal` (any object with these)."""

    user_id: int
    token_id: int | None
    user_limits: Mapping[str, Any] | None
    token_limits: Mapping[str, Any] | None


def user_scope(user_id: int | str) -> str:
    return f"user:{user_id}"


def token_scope(token_id: int | str) -> str:
    return f"token:{token_id}"


def user_model_scope(user_id: int | str, model_name: str) -> str:
    return f"user:{user_id}:model:{model_name}"


def usd_to_cost_units(value: Decimal | int | float | str, *, round_up: bool = False) -> int:
    """USD → integer cost units (10^-8 USD). Limits round down and costs up, so neither side of
    a comparison can let a request through that the exact figures would refuse; amounts with at
    most 8 decimal places (every record's cost, every limit setting) convert exactly."""
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"Not an amount of USD: {value!r}.") from None
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"Not an amount of USD: {value!r}.")
    return int((amount * COST_UNITS_PER_USD).to_integral_value(rounding=ROUND_UP if round_up else ROUND_DOWN))


def tokens_to_reserve(*, input_tokens: int, max_tokens: int | None, cap: int | None = None) -> int:
    """The worst case a request reserves: its input estimate plus `max_tokens`, or — when the client
    set none — the model's cap (`cap`), else `GATEWAY_DEFAULT_MAX_TOKENS_RESERVE`."""
    default_cap = getattr(settings, "GATEWAY_DEFAULT_MAX_TOKENS_RESERVE", FALLBACK_MAX_TOKENS_RESERVE)
    output = max_tokens if max_tokens is not None else (cap if cap is not None else default_cap)
    return max(0, int(input_tokens)) + max(0, int(output))


def effective_user_limits(user_limits: Mapping[str, Any] | None) -> dict[str, Any]:
    """The user's limits with every unset field filled from the settings defaults."""
    defaults: Mapping[str, Any] = getattr(settings, "GATEWAY_DEFAULT_LIMITS", {})
    own = user_limits or {}
    return {kind.value: _first_set(own.get(kind.value), defaults.get(kind.value)) for kind in LimitKind}


def limit_checks_for(
    *,
    principal: LimitedPrincipal,
    model_name: str,
    estimated_tokens: int,
    estimated_cost_units: int,
    model_limits: Mapping[str, Any] | None = None,
) -> list[LimitCheck]:
    """Every check a request must pass. For a read-only view (`/rate-limit`, `/user/quota`) pass
    zero estimates and hand the checks to `Ledger.snapshot`."""
    amounts = {"tokens": max(0, estimated_tokens), "cost_units": max(0, estimated_cost_units)}
    checks = _checks(user_scope(principal.user_id), effective_user_limits(principal.user_limits), amounts)
    if principal.token_id is not None:
        checks += _checks(token_scope(principal.token_id), principal.token_limits or {}, amounts)
    if model_limits:
        checks += _checks(user_model_scope(principal.user_id, model_name), model_limits, amounts)
    return checks


def _checks(scope: str, limits: Mapping[str, Any], amounts: Mapping[str, int]) -> list[LimitCheck]:
    checks = []
    for kind in LimitKind:
        value = limits.get(kind.value)
        if value is None:
            continue
        limit = usd_to_cost_units(value) if kind.unit == "cost_units" else int(value)
        checks.append(LimitCheck(kind=kind, scope=scope, limit=limit, amount=amounts.get(kind.unit, 1)))
    return checks


def _first_set(*values: Any) -> Any:
    return next((value for value in values if value is not None), None)
