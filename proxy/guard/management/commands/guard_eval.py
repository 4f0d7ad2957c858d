"""`manage.py guard_eval FILE.csv`: one JSON object with TPR/FPR (overall and per source),
intent accuracy (when an intent/category column is present) and detector latency."""

import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

from proxy.guard.evaluation import EvalInputError, guard_evaluate


class Command(BaseCommand):
    help = "Evaluate the guard on a CSV with columns text,label[,source][,intent]."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--artefact", type=Path, help="evaluate another default-detector artefact")

    def handle(self, *args, **options) -> None:
        from proxy.guard.detectors.default import load_artefact
        from proxy.guard.pipeline import guard_default_detector
        from proxy.guard.services import guard_screen

        if not options["file"].is_file():
            raise CommandError(f"No such file: {options['file']}")
        if options["artefact"]:
            guard_default_detector()._artefact = load_artefact(options["artefact"])
        self._ensure_guard_tables()
        try:
            summary = guard_evaluate(path=options["file"], screen=lambda text: guard_screen(text=text))
        except EvalInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary))

    def _ensure_guard_tables(self) -> None:
        """The verdicts use the operators' policies from the database, so it must be fully
        migrated (a partly migrated one has no default policies and would flag nothing). On a
        fresh clone the embedded SQLite database does not exist yet (`make run` creates it):
        create it here the same way, so the command works as the first thing anyone runs. Any
        database that already exists is never migrated behind its operator's back."""
        try:
            executor = MigrationExecutor(connection)
            pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
            fresh = "django_migrations" not in connection.introspection.table_names()
        except DatabaseError as exc:  # the class only: a driver's message can name the host
            raise CommandError(f"Cannot open the database ({type(exc).__name__}).") from None
        if not pending:
            return
        if not (fresh and connection.vendor == "sqlite"):
            message = f"The database has {len(pending)} unapplied migration(s): run manage.py migrate first."
            raise CommandError(message)
        self.stderr.write("guard_eval: creating the embedded database first (manage.py migrate)")
        call_command("migrate", interactive=False, verbosity=0)
