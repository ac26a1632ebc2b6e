"""Benchmarks and the synthetic-package generator; nothing in validation depends on them."""
