"""Claim extraction from news articles: who said what, with the figures, dates and places involved."""
from __future__ import annotations

__version__ = "0.1.0"
