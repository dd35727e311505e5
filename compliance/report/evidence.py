"""evidence.json's schema: the report's machine-readable content (docs/compliance-report.md).

The pydantic models are the schema: compliance/report/evidence.schema.json is generated from
them (`python -m compliance.report.evidence > compliance/report/evidence.schema.json`) and a test
keeps the two equal. report.md, report.html and the OSCAL files are all rendered from `Evidence`;
the rules that fill it in are in status.py.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Bumped whenever evidence.json changes shape, so consumers can tell; 1.1 added the required
# RequirementResult.checkov_exceptions and Summary.tests_skipped.
SCHEMA_VERSION = "1.1"
Status = Literal["met", "partial", "gap", "not_applicable"]
InputMode = Literal["offline-preview", "pulumi-preview-json", "pulumi-stack-export", "live"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RunMetadata(_Model):
    """Where the evidence comes from: commit, time, tools, stack, configuration."""

    generated_at: str = Field(description="UTC time of the run, ISO 8601")
    git_commit: str
    git_dirty: bool = Field(description="true when the working tree had uncommitted changes")
    stack: str
    input_mode: InputMode
    input_file: str | None = Field(description="the preview/export file read, if any")
    config: dict[str, str] = Field(description="Pulumi config used for the offline preview")
    tools: dict[str, str] = Field(description="tool name -> version")


class ResourceRecord(_Model):
    """A captured custom resource, with the options auditors ask about."""

    urn: str
    type: str
    name: str
    protect: bool
    retain_on_delete: bool


class PolicyResult(_Model):
    """One policy's result: its metadata and every violation it reported."""

    policy: str
    level: str
    severity: str
    requirements: list[str]
    outcome: Literal["passed", "failed", "not_evaluated"]
    violations: list[dict[str, str]] = Field(description="[{urn, resourceType, level, message}]")
    remediation: str


class CheckovRecord(_Model):
    """One checkov result on one resource (skipped results carry the written reason)."""

    check_id: str
    check_name: str
    address: str
    urn: str
    outcome: Literal["passed", "failed", "skipped"]
    reason: str


class TestRecord(_Model):
    """One evidence test (pytest node id) and the requirements its marker names."""

    __test__ = False
    test_id: str
    outcome: Literal["passed", "failed", "skipped"]
    requirements: list[str]
    message: str


class RequirementResult(_Model):
    """A requirement's status and the evidence behind it."""

    id: str
    oscal_id: str
    title: str
    responsibility: Literal["customer", "aws", "shared"]
    how_met: str
    status: Status
    findings: list[str] = Field(description="why the status is not met (empty when met)")
    remediation: str | None
    policies: list[str]
    checkov: list[CheckovRecord] = Field(description="passed and failed results: the evidence")
    checkov_exceptions: list[CheckovRecord] = Field(
        description="results checkov skipped, with the written reason: documented exceptions, "
        "never evidence"
    )
    tests: list[str]
    aws_config: list[str]
    prowler: list[str]


class Summary(_Model):
    """Counts per status, plus the gating facts."""

    met: int
    partial: int
    gap: int
    not_applicable: int
    mandatory_violations: int
    checkov_ok: bool
    tests_failed: int
    tests_skipped: int = Field(description="skipped evidence tests prove nothing: gaps")


class Evidence(_Model):
    """The whole evidence bundle (evidence.json)."""

    schema_version: str = SCHEMA_VERSION
    framework: str
    framework_version: str
    metadata: RunMetadata
    incomplete: list[str] = Field(
        description="pieces of evidence that could not be produced (the report says so plainly)"
    )
    summary: Summary
    requirements: list[RequirementResult]
    resources: list[ResourceRecord]
    policy_results: list[PolicyResult]
    checkov: dict[str, Any] = Field(
        description="{version, resource_count, expected_count, problems: [...]} "
        "(results are per requirement and in checkov/results_json.json)"
    )
    tests: list[TestRecord]


def schema_json() -> str:
    """The JSON Schema of evidence.json, as committed in evidence.schema.json."""
    return json.dumps(Evidence.model_json_schema(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    print(schema_json(), end="")
