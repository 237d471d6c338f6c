"""Readers that turn input files (txt, html, jsonl, csv) into article records."""
