"""`manage.py guard_eval FILE.csv`: one JSON object with TPR/FPR (overall and per source),
intent accuracy (when an intent/category column is present) and detector latency."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

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
        try:
            summary = guard_evaluate(path=options["file"], screen=lambda text: guard_screen(text=text))
        except EvalInputError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(json.dumps(summary))
