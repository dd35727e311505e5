"""The PCI DSS report (`python -m compliance report`) and its evidence bundle in build/compliance/.

cli.py parses the command; run.py does the work: the capture (offline preview, or inputs.py for
the engine's own JSON), the policy pack, checkov and the evidence tests (run with
pytest_plugin.py, read back by junit.py), judged into evidence.json by model.py (schema:
evidence.schema.json), rendered by render.py (templates/) and oscal.py, sealed by the manifest.
Nothing is imported here, so `python -m compliance --help` stays fast.
"""
