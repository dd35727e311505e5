"""The whole platform on one machine: moto on 127.0.0.1 holding the stack's own resources, the
receiver over real HTTP, the processor polled as the SQS event source mapping polls it.

``python -m local demo | serve | soak`` (docs/local.md). The Lambda code lives in ``lambda/``,
as the bundle ships it; importing this package puts that directory on ``sys.path`` so the
handlers import exactly as they do in Lambda.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

if str(ROOT / "lambda") not in sys.path:
    sys.path.insert(0, str(ROOT / "lambda"))
