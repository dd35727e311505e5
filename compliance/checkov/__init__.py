"""checkov on a captured stack: checkov has no Pulumi framework, so the capture is converted to a
Terraform plan (plan.py, pure) and scanned from checkov's own virtualenv (scan.py), with the
suppressions and their written reasons in skips.yaml. The report and the live evidence both use it.

    scan = run_checkov(capture["resources"], out_dir)   # raises CheckovError if it cannot run
    scan.ok                                             # every resource scanned, no bare failure
"""

from compliance.checkov.plan import load_skip_rules
from compliance.checkov.scan import CHECKOV, CheckovError, ScanResult, run_checkov

__all__ = ["CHECKOV", "CheckovError", "ScanResult", "load_skip_rules", "run_checkov"]
