"""The third kind of record ingest yields, beside ``Article`` and ``Reject``: one that is rightly not an article.

A web archive holds far more than articles (requests, crawl metadata, images, redirects): those
records are neither analysed nor errors. Each is yielded as a ``Skipped`` with its reason, so a
run can count them by reason without filling the ``rejects`` table.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Skipped:
    """An input record that is not an article, and why (e.g. ``WARC request record``)."""

    input_path: str
    record: str | None
    reason: str
