"""Hypothesis profiles: the test suite's draws are fixed, the long randomised search is opt-in.

``ci`` (the default) is derandomised with no example database, so a run on a fresh clone draws
exactly what every other run draws and cannot fail by chance. It has no deadline and no
too-slow health check either: both are wall-clock limits, the one thing a derandomised run
still varies in, and a loaded shared runner (``make test`` runs two workers) can exceed them
with the same draws. ``fuzz`` (``make fuzz``) draws new examples each run, many more of them,
and keeps failures in the local database.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    print_blob=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile(
    "fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
