"""Curating a new page: draft a review file, add the reviewed rows."""
