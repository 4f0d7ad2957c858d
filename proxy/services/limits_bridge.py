"""The gateway's use of the limits ledger: build the checks for a caller, reserve, settle."""

from proxy.limits import get_ledger
from proxy.limits.headers import rate_limit_headers
from proxy.limits.policy import limit_checks_for
from proxy.limits.types import Reservation


async def reserve(
    *, call, model_name: str, tokens: int, cost_units: int
) -> tuple[Reservation, dict[str, str]]:
    """Reserve the worst case of this request against every limit that applies, atomically.
    Raises LimitExceeded (429) or LimitsUnavailable (503)."""
    checks = limit_checks_for(
        principal=call.principal,
        model_name=model_name,
        estimated_tokens=tokens,
        estimated_cost_units=cost_units,
    )
    reservation = await get_ledger().reserve(checks=checks, request_id=call.request_id)
    return reservation, rate_limit_headers(reservation)


async def settle(reservation: Reservation, *, tokens: int, cost_units: int) -> None:
    await get_ledger().settle(reservation, tokens=tokens, cost_units=cost_units)
