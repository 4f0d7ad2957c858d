from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from accounts import schema, signals  # noqa: F401  (OpenAPI extension; cache invalidation handlers)
