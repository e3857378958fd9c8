"""The oversight floor of `qms`: what reads every app (procedures, audits,
nonconformities) to measure and review the system — the KPIs, the period snapshot,
review inputs, printed reports, the dashboard and review pages and their services.

The core of `qms` and the apps never import it (tests/test_layers.py); the URL conf,
the app config and management commands wire it in."""
