"""Seed sensible default policies and the settings singleton.

Every category is flagged from a medium score; the clearly harmful ones (and confident
jailbreak / injection attempts) are blocked at a high score. Operators edit these in the admin.
"""

from django.db import migrations

FLAG_AT = 0.5
BLOCK_AT = {
    "violent_crimes": 0.85,
    "sex_crimes": 0.85,
    "child_exploitation": 0.6,
    "indiscriminate_weapons": 0.8,
    "malware_cyber": 0.9,
    "non_violent_crimes": 0.92,
    "hate": 0.9,
    "jailbreak": 0.9,
    "prompt_injection": 0.92,
}
CATEGORIES = (
    "violent_crimes", "non_violent_crimes", "sex_crimes", "child_exploitation", "defamation",
    "specialized_advice", "privacy", "intellectual_property", "indiscriminate_weapons", "hate",
    "self_harm", "sexual_content", "elections", "code_interpreter_abuse",
    "jailbreak", "prompt_injection", "malware_cyber",
)


def seed(apps, schema_editor):
    GuardPolicy = apps.get_model("guard", "GuardPolicy")
    GuardSettings = apps.get_model("guard", "GuardSettings")
    for category in CATEGORIES:
        GuardPolicy.objects.get_or_create(category=category, action="flag", defaults={"threshold": FLAG_AT})
        if category in BLOCK_AT:
            GuardPolicy.objects.get_or_create(
                category=category, action="block", defaults={"threshold": BLOCK_AT[category]}
            )
    GuardSettings.objects.get_or_create(pk=1)


def unseed(apps, schema_editor):
    apps.get_model("guard", "GuardPolicy").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("guard", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
