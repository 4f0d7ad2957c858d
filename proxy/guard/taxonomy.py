"""Names the guard speaks: intents and risk categories (MLCommons hazards as in Llama Guard 3,
plus jailbreak, prompt_injection and malware_cyber)."""

INTENTS: tuple[str, ...] = (
    "coding",
    "writing",
    "analysis",
    "data",
    "translation",
    "math",
    "general_chat",
    "other",
)

# Llama Guard 3 codes S1..S14, in order.
HAZARD_CATEGORIES: tuple[str, ...] = (
    "violent_crimes",
    "non_violent_crimes",
    "sex_crimes",
    "child_exploitation",
    "defamation",
    "specialized_advice",
    "privacy",
    "intellectual_property",
    "indiscriminate_weapons",
    "hate",
    "self_harm",
    "sexual_content",
    "elections",
    "code_interpreter_abuse",
)
EXTRA_CATEGORIES: tuple[str, ...] = ("jailbreak", "prompt_injection", "malware_cyber")
CATEGORIES: tuple[str, ...] = HAZARD_CATEGORIES + EXTRA_CATEGORIES
CATEGORY_CHOICES = [(name, name.replace("_", " ")) for name in CATEGORIES]
LLAMA_GUARD_CODES: dict[str, str] = {f"S{i}": name for i, name in enumerate(HAZARD_CATEGORIES, start=1)}

# Categories blocked outright at high confidence in the seeded defaults.
SEVERE_CATEGORIES: frozenset[str] = frozenset(
    {
        "violent_crimes",
        "sex_crimes",
        "child_exploitation",
        "indiscriminate_weapons",
        "malware_cyber",
        "non_violent_crimes",
        "hate",
        "jailbreak",
        "prompt_injection",
    }
)
