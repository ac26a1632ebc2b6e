"""What users read: exports, the Datasette site, the chart, the generated docs."""
