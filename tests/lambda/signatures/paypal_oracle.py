"""Second opinion from the deprecated ``paypalrestsdk``, run under .venv-paypal (pyOpenSSL 24.2.1).

Reads JSON on stdin: ``{"trust_pems": [...], "served": {url: pem}, "cases": [{name,
transmission_id, transmission_time, webhook_id, body, cert_url, sig, auth_algo}], "bench": n}``
and prints ``{"verdicts": {name: bool}, "per_second": float | null}``. The SDK's certificate
download is replaced by a lookup in ``served`` (its parsing and checks still run) and its
bundled DigiCert chain by ``trust_pems``. An exception from the SDK counts as a rejection. With
``bench`` it also times ``bench`` verifications of the first case (CPU time).
"""

import contextlib
import json
import sys
import tempfile
import time
from pathlib import Path

import paypalrestsdk.notifications as notifications
import requests


class _Response:
    def __init__(self, text):
        self.text = text


def main():
    request = json.load(sys.stdin)
    served = request["served"]

    def fake_get(url, *args, **kwargs):
        if url not in served:
            raise requests.exceptions.ConnectionError(url)
        return _Response(served[url])

    notifications.requests.get = fake_get
    with tempfile.TemporaryDirectory() as tmp:
        paths = []
        for index, pem in enumerate(request["trust_pems"]):
            path = Path(tmp, f"trust{index}.pem")
            path.write_text(pem)
            paths.append(str(path))
        notifications.WebhookEvent._WebhookEvent__cert_chain_path = paths

        def verify(case):
            try:
                return bool(
                    notifications.WebhookEvent.verify(
                        case["transmission_id"],
                        case["transmission_time"],
                        case["webhook_id"],
                        case["body"],
                        case["cert_url"],
                        case["sig"],
                        case["auth_algo"],
                    )
                )
            except Exception:  # the SDK lets some failures escape: the caller rejects those
                return False

        with contextlib.redirect_stdout(sys.stderr):  # the SDK prints its errors
            verdicts = {case["name"]: verify(case) for case in request["cases"]}
            per_second = None
            if request.get("bench"):
                case, count = request["cases"][0], int(request["bench"])
                start = time.process_time()
                for _ in range(count):
                    verify(case)
                per_second = count / (time.process_time() - start)
    json.dump({"verdicts": verdicts, "per_second": per_second}, sys.stdout)


if __name__ == "__main__":
    main()
