"""The committed list of taggable types is what the installed provider SDK says."""

from __future__ import annotations

from pathlib import Path

import pulumi_aws

from policies.taggable_types import DATA, render
from tests.policies.pack_harness import check as run
from tests.policies.pack_harness import make


def test_the_data_file_is_current() -> None:
    expected = render(Path(pulumi_aws.__file__).parent)
    assert DATA.read_text(encoding="utf-8") == expected, "run policies/taggable_types.py"


def test_a_taggable_type_not_listed_by_hand_is_checked() -> None:
    res = make("queue", tags=None)
    res.type = "aws:efs/fileSystem:FileSystem"
    assert "lacks non-empty tags" in run("required-tags", res)[0]


def test_an_untaggable_type_without_tags_is_left_alone() -> None:
    res = make("queue", tags=None)
    res.type = "aws:sqs/queuePolicy:QueuePolicy"
    assert run("required-tags", res) == []
