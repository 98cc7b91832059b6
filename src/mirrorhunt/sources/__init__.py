"""Candidate sources: where the names to probe come from."""
