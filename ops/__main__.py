"""``python -m ops``: see ops/cli.py and docs/operations.md."""

import sys

from stack.bundle import LAMBDA_DIR

# The commands scrub and rebuild records with the handlers' own code (lambda/webhook_processor).
if str(LAMBDA_DIR) not in sys.path:
    sys.path.insert(0, str(LAMBDA_DIR))

from ops.cli import main

raise SystemExit(main())
