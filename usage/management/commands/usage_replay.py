"""Re-import usage records that were spooled to var/ when the database could not take them."""

from django.core.management.base import BaseCommand

from usage.services import usage_spool_replay


class Command(BaseCommand):
    help = "Re-import spooled usage records (idempotent: a request_id already stored is skipped)."

    def handle(self, *args, **options) -> None:
        read, failed = usage_spool_replay()
        stored = read - failed
        self.stdout.write(f"usage_replay: {read} record(s) read, {stored} stored, {failed} still spooled")
        if failed:
            raise SystemExit(1)
