"""`manage.py bootstrap`: first-run set-up, safe to run on every start."""

import os

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.services import operator_bootstrap


class Command(BaseCommand):
    help = "Create the operator account (ADMIN_EMAIL / ADMIN_PASSWORD) and the built-in models. Idempotent."

    def handle(self, *args, **options) -> None:
        try:
            result = operator_bootstrap(
                email=os.environ.get("ADMIN_EMAIL"), password=os.environ.get("ADMIN_PASSWORD")
            )
        except ValidationError as exc:
            raise CommandError("ADMIN_PASSWORD is not acceptable: " + " ".join(exc.messages)) from exc
        if not result.created:
            self.stdout.write(f"Operator {result.email} already exists; nothing changed.")
        elif result.generated_password:
            # Written to the terminal only, this once; it is never logged and never shown again.
            self.stdout.write(self.style.SUCCESS(f"Created operator {result.email}"))
            self.stdout.write(f"  password: {result.generated_password}")
            self.stdout.write("  (shown once; store it now or reset it with `manage.py changepassword`)")
        else:
            self.stdout.write(self.style.SUCCESS(f"Created operator {result.email} with ADMIN_PASSWORD."))
        for line in bootstrap_extensions():
            self.stdout.write(line)


def bootstrap_extensions() -> list[str]:
    """Other apps' first-run steps (the gateway's built-in `mock` model, ...)."""
    from django.apps import apps

    lines: list[str] = []
    for config in apps.get_app_configs():
        hook = getattr(config, "bootstrap", None)
        if callable(hook):
            lines.extend(hook())
    return lines
