"""`getPolicyDocument` as the AWS provider computes it (rules of terraform-provider-aws,
internal/service/iam/policy_model.go and policy_document_data_source.go)."""

import json

import pytest

from compliance.preview.policy_document import PolicyDocumentError, policy_document

TRUST = {
    "actions": ["sts:AssumeRole"],
    "principals": [{"type": "Service", "identifiers": ["lambda.amazonaws.com"]}],
}


def test_keys_come_in_the_providers_order_and_empty_ones_are_left_out():
    doc = json.loads(policy_document({"statements": [{**TRUST, "sid": "Trust"}]})["json"])
    assert list(doc) == ["Version", "Statement"]
    assert list(doc["Statement"][0]) == ["Sid", "Effect", "Action", "Principal"]
    assert doc["Statement"][0]["Effect"] == "Allow"
    assert doc["Statement"][0]["Action"] == "sts:AssumeRole"


def test_sets_of_several_strings_are_deduplicated_and_sorted_in_reverse():
    doc = json.loads(
        policy_document(
            {
                "statements": [
                    {
                        "actions": ["s3:GetObject", "s3:PutObject", "s3:GetObject"],
                        "resources": ["*"],
                    }
                ]
            }
        )["json"]
    )
    assert doc["Statement"][0]["Action"] == ["s3:PutObject", "s3:GetObject"]


def test_a_single_star_principal_becomes_star_and_conditions_flatten_single_values():
    spec = {
        "actions": ["s3:*"],
        "principals": [{"type": "*", "identifiers": ["*"]}],
        "conditions": [
            {"test": "Bool", "variable": "aws:SecureTransport", "values": ["false"]},
            {"test": "StringEquals", "variable": "aws:SourceAccount", "values": ["1", "2"]},
        ],
    }
    statement = json.loads(policy_document({"statements": [spec]})["json"])["Statement"][0]
    assert statement["Principal"] == "*"
    assert statement["Condition"] == {
        "Bool": {"aws:SecureTransport": "false"},
        "StringEquals": {"aws:SourceAccount": ["1", "2"]},
    }


def test_json_is_gos_with_html_characters_escaped_and_a_minified_twin():
    result = policy_document(
        {"statements": [{"actions": ["s3:*"], "resources": ["arn:aws:s3:::a&{aws:username}<"]}]}
    )
    assert "\\u0026" not in result["json"]  # &{ is the provider's spelling of ${
    assert "${aws:username}\\u003c" in result["json"]
    assert json.loads(result["json"]) == json.loads(result["minifiedJson"])
    assert "\n" not in result["minifiedJson"]
    assert result["id"].isdigit()


def test_source_documents_merge_first_and_overrides_replace_by_sid():
    source = json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Deny", "Action": "x:*"}]}
    )
    override = json.dumps({"Statement": [{"Sid": "B", "Effect": "Deny", "Action": "y:*"}]})
    doc = json.loads(
        policy_document(
            {
                "sourcePolicyDocuments": [source],
                "statements": [{"sid": "B", "actions": ["y:Get"]}],
                "overridePolicyDocuments": [override],
            }
        )["json"]
    )
    assert [(s["Sid"], s["Effect"]) for s in doc["Statement"]] == [("A", "Deny"), ("B", "Deny")]


def test_duplicate_sids_are_refused_naming_the_field():
    with pytest.raises(PolicyDocumentError, match="statements: duplicate Sid"):
        policy_document({"statements": [{"sid": "A"}, {"sid": "A"}]})
