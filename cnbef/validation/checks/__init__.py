"""The checks, one module per layer: contract and descriptor (contract), bytes and cells (files),
header labels (schema_checks), queries generated from the Table Schemas (sqlchecks), semantic rules (rules),
against the source texts (provenance)."""
