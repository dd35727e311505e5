"""pytest plugin: write each evidence test's requirement ids into the JUnit XML.

Loaded by the report with `-p compliance.report.pytest_plugin`; JUnit has no markers, so the marker
arguments travel as `<property name="evidence" value="3.5.1"/>` next to the test's node id.
"""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Attach the node id and every `evidence` marker argument as JUnit properties."""
    for item in items:
        ids = [str(arg) for mark in item.iter_markers("evidence") for arg in mark.args]
        if ids:
            item.user_properties.append(("nodeid", item.nodeid))
            item.user_properties.extend(("evidence", i) for i in ids)
