"""The data package itself: descriptor, Table Schemas, CSV reading and typing, metadata, the derived flat table,
multi-part tables, and cnbef.load()."""
