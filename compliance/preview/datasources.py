"""Answers to the AWS provider's functions (data sources), each marked with how real it is.

- ``exact``: what the provider would return for this account and region, computed here
  (`getPolicyDocument`, `getRegion`, `getPartition`, `getCallerIdentity`,
  `getAvailabilityZones`);
- ``placeholder``: a realistic stand-in for a lookup of something that already exists in the
  account (a VPC, subnets, an AMI, a hosted zone...): right shape, invented values;
- ``generic``: any other `aws:*` function, answered from its SDK result class's properties
  with neutral values and the program's own arguments echoed.

Invented strings all contain ``placeholder`` so that neither a reader nor a policy can take
them for real values; the capture lists every call with its kind.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from compliance.preview.policy_document import policy_document
from compliance.preview.schema import result_shape

ACCOUNT_ID = "123456789012"
PARTITION = "aws"
PLACEHOLDER = "placeholder"

Kind = Literal["exact", "placeholder", "generic"]

_REGION_DESCRIPTIONS = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "Europe (Ireland)",
    "eu-central-1": "Europe (Frankfurt)",
}
# Availability zones per region (AWS "Regions and Zones"); others get three.
_ZONE_LETTERS = {"us-east-1": "abcdef", "us-west-2": "abcd", "ap-northeast-1": "acd"}
_ZONE_ID_PREFIX = {
    "us-east-1": "use1",
    "us-east-2": "use2",
    "us-west-2": "usw2",
    "eu-west-1": "euw1",
    "eu-central-1": "euc1",
}


@dataclass(frozen=True)
class Answer:
    """A function's result and how it was obtained."""

    result: dict[str, Any]
    kind: Kind


def _hex(seed: str, length: int) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def _caller_identity(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    return {
        "accountId": ACCOUNT_ID,
        "arn": f"arn:{PARTITION}:iam::{ACCOUNT_ID}:user/compliance-preview",
        "id": ACCOUNT_ID,
        "userId": "AIDACOMPLIANCEPREVIEW",
    }


def _region(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    name = args.get("region") or args.get("name") or region
    return {
        "id": name,
        "name": name,
        "region": name,
        "endpoint": f"ec2.{name}.amazonaws.com",
        "description": _REGION_DESCRIPTIONS.get(name, name),
    }


def _partition(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    return {
        "id": PARTITION,
        "partition": PARTITION,
        "dnsSuffix": "amazonaws.com",
        "reverseDnsPrefix": "com.amazonaws",
    }


def _availability_zones(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    name = args.get("region") or region
    prefix = _ZONE_ID_PREFIX.get(name, name.replace("-", "")[:4])
    zones = [
        (f"{name}{letter}", f"{prefix}-az{i}")
        for i, letter in enumerate(_ZONE_LETTERS.get(name, "abc"), start=1)
    ]
    excluded_names, excluded_ids = (
        set(args.get("excludeNames") or []),
        set(args.get("excludeZoneIds") or []),
    )
    zones = [(n, z) for n, z in zones if n not in excluded_names and z not in excluded_ids]
    return {
        **args,
        "id": name,
        "region": name,
        "names": [n for n, _ in zones],
        "zoneIds": [z for _, z in zones],
        "groupNames": [name] * len(zones),
    }


def _vpc(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    vpc_id = args.get("id") or f"vpc-{PLACEHOLDER}{_hex(str(args), 8)}"
    return {
        **args,
        "id": vpc_id,
        "arn": f"arn:{PARTITION}:ec2:{region}:{ACCOUNT_ID}:vpc/{vpc_id}",
        "cidrBlock": "10.0.0.0/16",
        "default": bool(args.get("default")),
        "enableDnsHostnames": True,
        "enableDnsSupport": True,
        "instanceTenancy": "default",
        "mainRouteTableId": f"rtb-{PLACEHOLDER}{_hex(vpc_id, 8)}",
        "ownerId": ACCOUNT_ID,
        "state": "available",
        "region": region,
        "tags": args.get("tags") or {},
    }


def _subnet_ids(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    seed = str(args)
    ids = [f"subnet-{PLACEHOLDER}{_hex(f'{seed}{i}', 8)}" for i in range(3)]
    return {**args, "id": region, "ids": ids, "region": region}


def _subnet(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    subnet_id = args.get("id") or f"subnet-{PLACEHOLDER}{_hex(str(args), 8)}"
    return {
        **args,
        "id": subnet_id,
        "arn": f"arn:{PARTITION}:ec2:{region}:{ACCOUNT_ID}:subnet/{subnet_id}",
        "availabilityZone": f"{region}a",
        "cidrBlock": "10.0.1.0/24",
        "vpcId": args.get("vpcId") or f"vpc-{PLACEHOLDER}{_hex(subnet_id, 8)}",
        "ownerId": ACCOUNT_ID,
        "state": "available",
        "region": region,
    }


def _ami(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    image_id = f"ami-{PLACEHOLDER}{_hex(str(args), 8)}"
    return {
        **args,
        "id": image_id,
        "imageId": image_id,
        "arn": f"arn:{PARTITION}:ec2:{region}::image/{image_id}",
        "architecture": "x86_64",
        "name": f"{PLACEHOLDER}-image",
        "ownerId": ACCOUNT_ID,
        "rootDeviceName": "/dev/xvda",
        "state": "available",
        "virtualizationType": "hvm",
        "region": region,
    }


def _zone(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    zone_id = args.get("zoneId") or f"Z{PLACEHOLDER.upper()}{_hex(str(args), 8).upper()}"
    name = str(args.get("name") or f"{PLACEHOLDER}.example.com").rstrip(".")
    return {
        **args,
        "id": zone_id,
        "zoneId": zone_id,
        "name": name,
        "arn": f"arn:{PARTITION}:route53:::hostedzone/{zone_id}",
        "nameServers": [f"ns-{i}.{PLACEHOLDER}.awsdns.com" for i in range(4)],
        "privateZone": bool(args.get("privateZone")),
        "resourceRecordSetCount": 2,
    }


def _certificate(args: Mapping[str, Any], region: str) -> dict[str, Any]:
    cert = f"{PLACEHOLDER}-{_hex(str(args), 8)}"
    return {
        **args,
        "id": f"arn:{PARTITION}:acm:{region}:{ACCOUNT_ID}:certificate/{cert}",
        "arn": f"arn:{PARTITION}:acm:{region}:{ACCOUNT_ID}:certificate/{cert}",
        "status": "ISSUED",
    }


_Answerer = Callable[[Mapping[str, Any], str], dict[str, Any]]
_EXACT: dict[str, _Answerer] = {
    "aws:index/getCallerIdentity:getCallerIdentity": _caller_identity,
    "aws:index/getRegion:getRegion": _region,
    "aws:index/getPartition:getPartition": _partition,
    "aws:index/getAvailabilityZones:getAvailabilityZones": _availability_zones,
    "aws:iam/getPolicyDocument:getPolicyDocument": lambda args, _region: policy_document(args),
}
_PLACEHOLDERS: dict[str, _Answerer] = {
    "aws:ec2/getVpc:getVpc": _vpc,
    "aws:ec2/getSubnets:getSubnets": _subnet_ids,
    "aws:ec2/getSubnetIds:getSubnetIds": _subnet_ids,
    "aws:ec2/getSubnet:getSubnet": _subnet,
    "aws:ec2/getAmi:getAmi": _ami,
    "aws:route53/getZone:getZone": _zone,
    "aws:acm/getCertificate:getCertificate": _certificate,
}


def _generic_value(key: str, neutral: Any, token: str, region: str) -> Any:
    function = token.rpartition(":")[2]
    if isinstance(neutral, str):
        if key == "arn" or key.endswith("Arn"):
            module = token.split(":")[1].partition("/")[0]
            return f"arn:{PARTITION}:{module}:{region}:{ACCOUNT_ID}:{PLACEHOLDER}/{function}"
        return f"{PLACEHOLDER}-{key}"
    return neutral


def answer(token: str, args: Mapping[str, Any], region: str) -> Answer | None:
    """The answer for a call of `token` with these (camelCase, plain) arguments, or None for a
    function that is not the AWS provider's (or that its SDK does not know)."""
    if token in _EXACT:
        return Answer(_EXACT[token](args, region), "exact")
    if token in _PLACEHOLDERS:
        return Answer(_PLACEHOLDERS[token](args, region), "placeholder")
    shape = result_shape(token)
    if shape is None:
        return None
    result = {k: _generic_value(k, v, token, region) for k, v in shape.items()}
    if "region" in shape:
        result["region"] = region
    return Answer({**result, **{k: v for k, v in args.items() if v is not None}}, "generic")
