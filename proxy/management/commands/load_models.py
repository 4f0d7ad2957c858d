"""`manage.py load_models FILE.yaml`: declarative, idempotent upsert of the model registry."""

from pathlib import Path

import yaml
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from guardflow_site.errors import validation_message
from proxy.serializers import LLMModelSerializer


class Command(BaseCommand):
    help = "Create or update models and their deployments from a YAML file (see docs/models.example.yaml)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options) -> None:
        entries = _read_models(file)
        with transaction.atomic():
            for index, entry in enumerate(entries):
                serializer = LLMModelSerializer(data=entry, context={"upsert": True})
                if not serializer.is_valid():
                    name = entry.get("name", f"#{index + 1}") if isinstance(entry, dict) else f"#{index + 1}"
                    raise CommandError(f"models[{index}] ({name}): {validation_message(serializer.errors)}")
                serializer.save()
                self.stdout.write(f"  {serializer.validated_data['name']}: upserted")
        self.stdout.write(self.style.SUCCESS(f"Loaded {len(entries)} model(s) from {file}."))


def _read_models(file: Path) -> list:
    try:
        document = yaml.safe_load(file.read_text())
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}.") from exc
    except yaml.YAMLError as exc:
        raise CommandError(f"{file} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("models"), list):
        raise CommandError(f"{file} must contain a top-level 'models:' list.")
    return document["models"]
