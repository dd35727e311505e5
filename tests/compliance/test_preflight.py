"""`compliance preflight`: the concurrency arithmetic (pure) and the account read (moto)."""

from __future__ import annotations

import boto3
import pytest
from botocore.awsrequest import AWSResponse
from moto import mock_aws

from compliance import preflight
from compliance.__main__ import main
from compliance.preflight import Account, PreflightError, assess, read_account

FUNCTIONS = ("webhook-receiver-dev", "webhook-processor-dev")


@pytest.mark.parametrize(
    ("limit", "unreserved", "current", "each", "fits"),
    [
        (1000, 1000, {}, 100, True),
        (300, 300, {}, 100, True),  # exactly 100 left
        (299, 299, {}, 100, False),
        (10, 10, {}, 1, False),  # a new account's low quota
        (300, 100, {"webhook-receiver-dev": 100, "webhook-processor-dev": 100}, 100, True),
        (300, 100, {"webhook-receiver-dev": 100, "webhook-processor-dev": 100}, 101, False),
        (400, 150, {"other-fn": 250}, 25, True),  # other functions' reservations already counted
    ],
)
def test_the_stack_fits_when_at_least_100_stay_unreserved(limit, unreserved, current, each, fits):
    verdict = assess(Account(limit, unreserved, current), dict.fromkeys(FUNCTIONS, each))
    assert verdict.fits is fits


def test_a_misfit_says_the_largest_reservation_that_fits_and_the_quota_to_ask_for():
    verdict = assess(Account(250, 250, {}), dict.fromkeys(FUNCTIONS, 100))
    assert not verdict.fits
    assert "leaving 50 unreserved" in verdict.message
    assert "reservedConcurrency to at most 75" in verdict.message
    assert "raise the account limit to at least 300" in verdict.message
    assert "L-B99A9384" in verdict.message
    assert assess(Account(250, 250, {}), dict.fromkeys(FUNCTIONS, 75)).fits


def test_when_nothing_fits_it_says_so():
    verdict = assess(Account(10, 10, {}), dict.fromkeys(FUNCTIONS, 1))
    assert "no reservation fits" in verdict.message
    assert "at least 102" in verdict.message


def _account_settings(client, limit: int):
    """moto has no GetAccountSettings: answer it from moto's own functions, as AWS would."""

    def answer(**_):
        reserved = sum(
            client.get_function_concurrency(FunctionName=f["FunctionName"]).get(
                "ReservedConcurrentExecutions", 0
            )
            for f in client.list_functions()["Functions"]
        )
        body = {"AccountLimit": {"ConcurrentExecutions": limit,
                                 "UnreservedConcurrentExecutions": limit - reserved}}  # fmt: skip
        return AWSResponse("https://lambda", 200, {}, None), body

    client.meta.events.register("before-call.lambda.GetAccountSettings", answer)


@pytest.fixture
def aws(monkeypatch):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(key, "testing")
    with mock_aws():
        client = boto3.client("lambda", region_name="us-east-1")
        role = boto3.client("iam", region_name="us-east-1").create_role(
            RoleName="fn",
            AssumeRolePolicyDocument='{"Version": "2012-10-17", "Statement": []}',
        )["Role"]["Arn"]
        yield client, role


def _function(client, role, name, reserved=None):
    client.create_function(
        FunctionName=name, Runtime="python3.12", Role=role, Handler="h.h",
        Code={"ZipFile": b"PK\x05\x06" + b"\x00" * 18},
    )  # fmt: skip
    if reserved is not None:
        client.put_function_concurrency(FunctionName=name, ReservedConcurrentExecutions=reserved)


def test_the_account_read_counts_the_stacks_own_reservations(aws):
    client, role = aws
    _function(client, role, "webhook-receiver-dev", 100)
    _function(client, role, "unrelated", 50)
    _account_settings(client, 400)
    account = read_account(client, FUNCTIONS)
    assert account == Account(400, 250, {"webhook-receiver-dev": 100, "webhook-processor-dev": 0})
    # the receiver keeps its 100, the processor takes 100 more: 150 stay unreserved
    assert assess(account, dict.fromkeys(FUNCTIONS, 100)).fits


def test_an_api_error_cannot_tell(aws):
    client, _ = aws

    def denied(**_):
        error = {"Error": {"Code": "AccessDeniedException", "Message": "no lambda:Get*"}}
        return AWSResponse("https://lambda", 403, {}, None), error

    client.meta.events.register("before-call.lambda.GetAccountSettings", denied)
    with pytest.raises(PreflightError, match="AccessDeniedException"):
        read_account(client, FUNCTIONS)


@pytest.mark.parametrize(("limit", "status"), [(1000, 0), (250, 1)])
def test_the_command_reads_the_dev_stack_and_exits_by_the_verdict(
    aws, monkeypatch, capsys, limit, status
):
    client, _ = aws
    _account_settings(client, limit)
    monkeypatch.setattr(preflight, "lambda_client", lambda: client)
    assert main(["preflight", "--stack", "dev"]) == status
    out = capsys.readouterr().out
    assert "webhook-processor-dev=100" in out  # Pulumi.dev.yaml: reservedConcurrency 100
    assert out.startswith("preflight (dev): " + ("fits" if status == 0 else "does not fit"))


def test_no_credentials_cannot_tell(monkeypatch, tmp_path, capsys):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                "AWS_WEB_IDENTITY_TOKEN_FILE"):  # fmt: skip
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # no instance-metadata request
    assert main(["preflight", "--stack", "dev"]) == 2
    assert "NoCredentialsError" in capsys.readouterr().out


def test_an_unreadable_stack_config_cannot_tell(tmp_path, capsys):
    (tmp_path / "Pulumi.yaml").write_text("name: payment-webhooks\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("")
    assert main(["preflight", "--stack", "nope", "--program", str(tmp_path)]) == 2
    out = capsys.readouterr().out
    assert "cannot read the config of stack 'nope'" in out
    assert "environmentSuffix" in out
