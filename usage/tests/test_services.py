from decimal import Decimal

from usage.services import email_hash, usage_cost


def test_usage_cost_per_million_tokens():
    cost = usage_cost(
        input_tokens=1000,
        output_tokens=500,
        input_price_per_mtok=Decimal("0.15"),
        output_price_per_mtok=Decimal("0.60"),
    )
    assert cost == Decimal("0.00045000")


def test_usage_cost_rounds_up_to_stored_precision():
    cost = usage_cost(
        input_tokens=1,
        output_tokens=0,
        input_price_per_mtok=Decimal("0.001"),
        output_price_per_mtok=Decimal(0),
    )
    assert cost == Decimal("0.00000001")  # $0.000000001: never free, however cheap
    assert usage_cost(
        input_tokens=0, output_tokens=0, input_price_per_mtok=Decimal("5"), output_price_per_mtok=Decimal("5")
    ) == Decimal(0)
    assert usage_cost(
        input_tokens=3, output_tokens=0, input_price_per_mtok=Decimal("5"), output_price_per_mtok=Decimal(0)
    ) == Decimal("0.00001500")


def test_email_hash_is_case_insensitive_keyed_and_not_the_email(settings):
    digest = email_hash("Alice@Example.com")
    assert digest == email_hash("alice@example.com ")
    assert len(digest) == 64 and "alice" not in digest
    settings.USAGE_EMAIL_HASH_KEY = "another-key"
    assert email_hash("alice@example.com") != digest


def test_email_hash_empty():
    assert email_hash("") == "" and email_hash(None) == ""
