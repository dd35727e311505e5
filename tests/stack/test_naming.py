from __future__ import annotations

from stack.naming import REQUIRED_TAGS, Naming

NAMING = Naming("dev", "development", "payments", "team@example.com")


def test_names_are_type_dash_suffix() -> None:
    assert NAMING.name("payment-transactions") == "payment-transactions-dev"
    assert NAMING.log_group("webhook-receiver") == "/aws/lambda/webhook-receiver-dev"
    assert (
        NAMING.parameter("stripe", "signing-secret")
        == "/payment-webhooks/dev/stripe/signing-secret"
    )


def test_required_tags_cannot_be_overridden_by_extras() -> None:
    tags = NAMING.tags(Component="webhook-receiver", Owner="someone-else")
    assert tags == {
        "Component": "webhook-receiver",
        "Environment": "development",
        "CostCenter": "payments",
        "Owner": "team@example.com",
    }
    assert set(REQUIRED_TAGS) <= set(tags)
