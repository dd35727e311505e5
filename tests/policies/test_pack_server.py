"""The pack as the Pulumi CLI starts it: `python -m pulumi.policy <engine> <pack dir>` in the pack
directory, then gRPC calls to the analyzer it serves (GetAnalyzerInfo, Configure, Analyze)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import proto
from pulumi.runtime.proto import analyzer_pb2_grpc

from pci_pack import PACK_NAME, all_policies

PACK_DIR = Path(__file__).resolve().parents[2] / "policies"
START_TIMEOUT_S = 30


@pytest.fixture(scope="module")
def analyzer() -> Iterator[analyzer_pb2_grpc.AnalyzerStub]:
    env = {**os.environ, "PULUMI_STACK": "dev", "PULUMI_PROJECT": "p", "PULUMI_DRY_RUN": "true"}
    process = subprocess.Popen(
        [sys.executable, "-u", "-m", "pulumi.policy", "127.0.0.1:1", "."],
        cwd=PACK_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], START_TIMEOUT_S)
        assert ready, "the pack did not print its port"
        port = int(process.stdout.readline())
        with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
            yield analyzer_pb2_grpc.AnalyzerStub(channel)
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_served_metadata(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    info = analyzer.GetAnalyzerInfo(empty_pb2.Empty())
    assert info.name == PACK_NAME
    assert sorted(p.name for p in info.policies) == [p.name for p in all_policies()]
    assert all(p.framework.name == "PCI DSS" for p in info.policies)


def test_served_analysis(analyzer: analyzer_pb2_grpc.AnalyzerStub) -> None:
    analyzer.Configure(proto.ConfigureAnalyzerRequest(policyConfig={}))
    properties = struct_pb2.Struct()
    properties.update(
        {"name": "fn-dev", "architectures": ["x86_64"], "runtime": "python3.12", "tags": {}}
    )
    response = analyzer.Analyze(
        proto.AnalyzeRequest(
            type="aws:lambda/function:Function",
            properties=properties,
            urn="urn:pulumi:dev::p::aws:lambda/function:Function::fn-dev",
            name="fn-dev",
        )
    )
    found = {d.policyName: d for d in response.diagnostics}
    assert "lambda-function-arm64" in found
    assert found["lambda-function-arm64"].enforcementLevel == proto.MANDATORY
    assert "Fix: set architectures=['arm64']" in found["lambda-function-arm64"].message
