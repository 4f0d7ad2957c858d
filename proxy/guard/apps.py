from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "proxy.guard"
    label = "guard"
    verbose_name = "Guard"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from proxy.guard import signals  # noqa: F401  (connects the cache-invalidation hooks)
