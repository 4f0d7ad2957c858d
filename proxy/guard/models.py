"""Guard configuration and state: per-category policies, live settings, the allow-list,
per-user risk and the review queue of flagged requests. All editable in the admin."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from proxy.guard.taxonomy import CATEGORY_CHOICES


class Action(models.TextChoices):
    ALLOW = "allow", "Allow"
    FLAG = "flag", "Flag"
    BLOCK = "block", "Block"


class GuardPolicy(models.Model):
    """`action` applies when the category's score reaches `threshold`. A category may have a flag
    row and a block row; the most severe action whose threshold is reached wins."""

    category = models.CharField(max_length=40, choices=CATEGORY_CHOICES, db_index=True)
    action = models.CharField(max_length=8, choices=Action.choices, default=Action.FLAG)
    threshold = models.FloatField(default=0.5, help_text="Score 0..1 at which the action applies.")
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["category", "threshold"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "action"], name="guard_policy_category_action_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(threshold__gte=0) & models.Q(threshold__lte=1),
                name="guard_policy_threshold_0_1",
            ),
        ]
        verbose_name_plural = "guard policies"

    def __str__(self) -> str:
        return f"{self.category}: {self.action} at ≥ {self.threshold:.2f}"


class GuardSettings(models.Model):
    """Singleton (pk=1): risk-score thresholds, decay and the points each signal adds."""

    warn_threshold = models.FloatField(default=25.0)
    block_threshold = models.FloatField(default=60.0)
    half_life_hours = models.FloatField(default=12.0)
    min_evidence_to_block = models.PositiveSmallIntegerField(
        default=3, help_text="Distinct offending requests needed before an automatic block."
    )
    points_block = models.FloatField(default=8.0, help_text="Base points for a blocked prompt.")
    points_flag = models.FloatField(default=1.5, help_text="Base points for a flagged prompt.")
    points_per_score = models.FloatField(default=4.0, help_text="Extra points times the top category score.")
    points_deviation = models.FloatField(default=0.5, help_text="Points for a prompt with deviation ≥ 0.8.")
    points_rate_spike = models.FloatField(default=5.0)
    points_429_burst = models.FloatField(default=5.0)
    points_jailbreak_series = models.FloatField(default=10.0)
    max_points_per_request = models.FloatField(
        default=15.0, help_text="Cap so that one request (one false positive) can never block anyone."
    )
    rate_spike_factor = models.FloatField(default=5.0, help_text="Minute rate ≥ factor times own baseline.")
    rate_spike_min_requests = models.PositiveIntegerField(default=30)
    burst_429_count = models.PositiveIntegerField(default=20, help_text="429s within 5 minutes.")
    jailbreak_series_count = models.PositiveIntegerField(default=3, help_text="Distinct attempts in 1 h.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = verbose_name_plural = "guard settings"

    def __str__(self) -> str:
        return "Guard settings"

    def save(self, *args, **kwargs) -> None:
        self.pk = 1
        super().save(*args, **kwargs)

    @classmethod
    def load(cls) -> "GuardSettings":
        obj, _ = cls.objects.get_or_create(pk=1)
        return obj


class AllowListEntry(models.Model):
    """Prompts operators declared harmless: an exact normalised-prompt hash or a regex."""

    class Kind(models.TextChoices):
        HASH = "hash", "Normalised prompt hash (sha256)"
        PATTERN = "pattern", "Regular expression"

    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.HASH)
    value = models.CharField(max_length=500)
    note = models.CharField(max_length=300, blank=True)
    source_request_id = models.CharField(max_length=128, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="guard_allowlist_unique")]
        verbose_name_plural = "allow-list entries"

    def __str__(self) -> str:
        return f"{self.kind}: {self.value[:60]}"


class UserRiskState(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="guard_risk")
    score = models.FloatField(default=0.0)
    updated_at = models.DateTimeField(default=timezone.now)
    warned_at = models.DateTimeField(null=True, blank=True)
    blocked_by_guard_at = models.DateTimeField(null=True, blank=True)
    evidence = models.JSONField(default=list, blank=True, help_text="Recent offending requests, newest last.")

    class Meta:
        ordering = ["-score"]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.score:.1f}"


class GuardReview(models.Model):
    """One flagged or blocked request waiting for (or after) an operator's review."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        CONFIRMED = "confirmed", "Confirmed misuse"
        FALSE_POSITIVE = "false_positive", "False positive"

    request_id = models.CharField(max_length=128, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    verdict = models.CharField(max_length=8, choices=Action.choices)
    top_category = models.CharField(max_length=40, blank=True, db_index=True)
    score = models.FloatField(default=0.0, db_index=True)
    categories = models.JSONField(default=dict, blank=True)
    intent = models.CharField(max_length=32, blank=True)
    prompt_hash = models.CharField(max_length=64, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.request_id} {self.verdict} {self.top_category}"
