"""Validation: the report, the engines, the batching for large packages and the one validate entry point;
the checks themselves live in validation/checks/, one module per layer."""
