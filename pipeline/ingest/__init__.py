"""Readers that turn input files (txt, html, jsonl, csv) into article records."""
from pipeline.ingest.readers import read_corpus
from pipeline.ingest.records import Article, Reject

__all__ = ["Article", "Reject", "read_corpus"]
