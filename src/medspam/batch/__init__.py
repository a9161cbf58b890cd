"""Batch auditing: read many pages, classify them in worker processes, write resumable rows."""
