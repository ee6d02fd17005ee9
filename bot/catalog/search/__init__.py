"""Lookup search over the catalog: an index, word forms and synonyms."""
