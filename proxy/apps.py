from django.apps import AppConfig


class ProxyConfig(AppConfig):
    name = "proxy"
    verbose_name = "Gateway"

    def ready(self) -> None:
        from proxy import signals  # noqa: F401  (connects the registry-reload signals)

    def bootstrap(self) -> list[str]:
        """First-run step run by `manage.py bootstrap`: the built-in mock model."""
        from proxy.services.registry import MOCK_MODEL_NAME, model_ensure_mock

        if model_ensure_mock():
            return [f"Created the built-in model '{MOCK_MODEL_NAME}'."]
        return [f"Model '{MOCK_MODEL_NAME}' already exists; nothing changed."]
