"""Readers that turn input files (txt, html, jsonl, csv, json, parquet, warc; compressed or not) into article records, robust to bad input."""
from pipeline.ingest.readers import Limits, read_corpus
from pipeline.ingest.records import Article, Reject

__all__ = ["Article", "Limits", "Reject", "read_corpus"]
