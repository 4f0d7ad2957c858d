"""Reads over usage records and the audit log: totals, filtered lists, analytics."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from decimal import Decimal

from django.db import connection
from django.db.models import Aggregate, Count, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from usage.models import AuditLog, UsageRecord

GROUP_BY_FIELDS = {
    "day": "day",
    "user": "user_id",
    "model": "model_name",
    "provider": "provider",
}


@dataclass(frozen=True)
class UsageFilters:
    """Validated filters; None means "not filtered". `end` is exclusive."""

    start: datetime | None = None
    end: datetime | None = None
    model: str | None = None
    status: str | None = None
    user_id: int | None = None
    user_email: str | None = None
    task_id: int | None = None
    flagged: bool | None = None


_TOTAL_KEYS = ("requests", "input_tokens", "output_tokens", "cost_usd")


def _period_starts(now: datetime) -> tuple[datetime, datetime]:
    today = datetime.combine(now.date(), time.min, tzinfo=now.tzinfo)
    return today, today.replace(day=1)


def _totals(prefix_filter: Q | None) -> dict:
    zero = Decimal("0")
    return {
        "requests": Count("id", filter=prefix_filter),
        "input_tokens": Coalesce(Sum("input_tokens", filter=prefix_filter), 0),
        "output_tokens": Coalesce(Sum("output_tokens", filter=prefix_filter), 0),
        "cost_usd": Coalesce(Sum("cost_usd", filter=prefix_filter), zero),
    }


def usage_totals_for_user(*, user, now: datetime | None = None) -> dict:
    """Requests, tokens and cost for today, this month (UTC) and all time: one query."""
    today, month = _period_starts(now or timezone.now())
    periods = {"today": Q(created_at__gte=today), "month": Q(created_at__gte=month), "all_time": None}
    aggregates = {}
    for period, condition in periods.items():
        aggregates.update({f"{period}__{k}": v for k, v in _totals(condition).items()})
    row = UsageRecord.objects.filter(user=user).aggregate(**aggregates)
    return {period: {key: row[f"{period}__{key}"] for key in _TOTAL_KEYS} for period in periods}


def _filtered(queryset: QuerySet, filters: UsageFilters) -> QuerySet:
    conditions = {
        "created_at__gte": filters.start,
        "created_at__lt": filters.end,
        "model_name": filters.model,
        "status": filters.status,
        "user_id": filters.user_id,
        "user__email": filters.user_email,
        "task_id": filters.task_id,
        "flagged": filters.flagged,
    }
    return queryset.filter(**{k: v for k, v in conditions.items() if v is not None})


def usage_records_for_user(*, user, filters: UsageFilters) -> QuerySet:
    """The caller's own records, newest first."""
    return _filtered(UsageRecord.objects.filter(user=user), filters).select_related("task")


def usage_records_list(*, filters: UsageFilters) -> QuerySet:
    """Everyone's records (operators)."""
    return _filtered(UsageRecord.objects.all(), filters).select_related("user", "task")


def _percentile(sorted_values: list[int], fraction: float) -> float | None:
    """Linear interpolation between closest ranks (what PERCENTILE_CONT computes)."""
    if not sorted_values:
        return None
    position = (len(sorted_values) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)


class _PercentileCont(Aggregate):
    """PostgreSQL's PERCENTILE_CONT: the percentile computed in the database, per group."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression: str, *, fraction: float) -> None:
        super().__init__(expression, fraction=float(fraction))


def _latencies_by_group(queryset: QuerySet, key: str) -> dict:
    # Portable (SQLite has no PERCENTILE_CONT): stream (group, latency) pairs, sort per group.
    groups: dict = defaultdict(list)
    for group, latency in queryset.values_list(key, "latency_ms").iterator(chunk_size=5000):
        groups[group].append(latency)
    return {group: sorted(values) for group, values in groups.items()}


def usage_analytics(*, group_by: str, filters: UsageFilters) -> list[dict]:
    """Per group: requests, tokens, cost, errors, latency p50/p95 (ms)."""
    key = GROUP_BY_FIELDS[group_by]
    queryset = _filtered(UsageRecord.objects.order_by(), filters)
    if group_by == "day":
        queryset = queryset.annotate(day=TruncDate("created_at"))
    in_database = connection.vendor == "postgresql"
    percentiles = (
        {
            "latency_p50_ms": _PercentileCont("latency_ms", fraction=0.5),
            "latency_p95_ms": _PercentileCont("latency_ms", fraction=0.95),
        }
        if in_database
        else {}
    )
    rows = list(
        queryset.values(key)
        .annotate(
            **_totals(None),
            errors=Count("id", filter=~Q(status=UsageRecord.Status.SUCCESS)),
            **percentiles,
        )
        .order_by(key)
    )
    if not in_database:  # SQLite has no PERCENTILE_CONT: the same interpolation in Python
        latencies = _latencies_by_group(queryset, key)
        for row in rows:
            values = latencies.get(row[key], [])
            row["latency_p50_ms"] = _percentile(values, 0.50)
            row["latency_p95_ms"] = _percentile(values, 0.95)
    emails = _user_emails([row[key] for row in rows]) if group_by == "user" else {}
    return [_analytics_row(row, key, group_by, emails) for row in rows]


def _user_emails(user_ids: list) -> dict:
    from django.contrib.auth import get_user_model

    ids = [i for i in user_ids if i is not None]
    return dict(get_user_model().objects.filter(id__in=ids).values_list("id", "email"))


def _analytics_row(row: dict, key: str, group_by: str, emails: dict) -> dict:
    group = row.pop(key)
    result = {"group": group.isoformat() if group_by == "day" and group else group, **row}
    if group_by == "user":
        result["email"] = emails.get(group)
    return result


def audit_logs_list(
    *,
    action: str | None = None,
    actor_id: int | None = None,
    actor_email: str | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
) -> QuerySet:
    """Audit events, newest first. `actor_email` matches the address as it was at the time."""
    conditions = {
        "action": action,
        "actor_id": actor_id,
        "actor_email__iexact": actor_email,
        "created_at__gte": start,
        "created_at__lt": end,
    }
    return AuditLog.objects.filter(**{k: v for k, v in conditions.items() if v is not None})
