"""What the pulumi_aws Python SDK says about a type token: its resource's auto-named property
and the shape of a function's result. Read from the SDK's own classes, never listed by hand."""

from __future__ import annotations

import importlib
import inspect
import typing
from collections.abc import Sequence
from functools import cache
from types import ModuleType
from typing import Any

# Resources whose physical name is not `name` (pulumi-aws's auto-naming map).
_NAME_PROPERTY_EXCEPTIONS = {
    "aws:s3/bucket:Bucket": "bucket",
    "aws:s3/bucketV2:BucketV2": "bucket",
    "aws:lambda/permission:Permission": "statementId",
}


def _split(token: str) -> tuple[str, str] | None:
    """`aws:sns/topic:Topic` -> (`sns`, `Topic`); None for another package's token."""
    package, _, rest = token.partition(":")
    module, _, member = rest.partition(":")
    if package != "aws" or not member:
        return None
    return module.partition("/")[0], member


@cache
def _module(name: str) -> ModuleType | None:
    """The SDK module of a token's module (`lambda` is `lambda_`, `index` the package root)."""
    candidates = ["pulumi_aws"] if name == "index" else [f"pulumi_aws.{name}"]
    candidates.append(f"pulumi_aws.{name}_")
    for candidate in candidates:
        try:
            return importlib.import_module(candidate)
        except ImportError:
            continue
    return None


@cache
def auto_name_property(type_: str) -> str | None:
    """The camelCase input the provider auto-names when a program leaves it out, if any: the
    resource's optional `name` argument (or its documented exception)."""
    if type_ in _NAME_PROPERTY_EXCEPTIONS:
        return _NAME_PROPERTY_EXCEPTIONS[type_]
    parts = _split(type_)
    module = _module(parts[0]) if parts else None
    args = getattr(module, f"{parts[1]}Args", None) if parts and module else None
    if args is None:
        return None
    parameter = inspect.signature(args.__init__).parameters.get("name")
    return "name" if parameter is not None and parameter.default is None else None


_NEUTRAL: dict[Any, Any] = {str: "", bool: False, int: 0, float: 0}


def _blank(annotation: Any) -> Any:
    """A neutral value of the annotated type: '' for strings, 0, False, [] or {}."""
    origin = typing.get_origin(annotation)
    if origin is typing.Union:
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _blank(members[0]) if members else None
    if origin is not None and issubclass(origin, Sequence) and not issubclass(origin, str):
        return []
    return _NEUTRAL.get(annotation, {})


@cache
def result_shape(token: str) -> dict[str, Any] | None:
    """camelCase property -> neutral value, for the `Get...Result` class of a function token
    (`aws:ec2/getVpc:getVpc` -> `pulumi_aws.ec2.GetVpcResult`); None when the SDK has none."""
    parts = _split(token)
    module = _module(parts[0]) if parts else None
    if parts is None or module is None:
        return None
    result = getattr(module, f"{parts[1][:1].upper()}{parts[1][1:]}Result", None)
    if result is None:
        return None
    shape = {}
    for attribute in vars(result).values():
        if isinstance(attribute, property) and attribute.fget is not None:
            name = getattr(attribute.fget, "_pulumi_name", None)
            if name:
                shape[name] = _blank(inspect.signature(attribute.fget).return_annotation)
    return shape
