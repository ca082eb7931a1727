"""Helpers every test tier shares: spec tools, the spec-checking transport, test data."""
