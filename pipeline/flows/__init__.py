"""Prefect flows that orchestrate ingest, nlp and export (they never compute themselves)."""
