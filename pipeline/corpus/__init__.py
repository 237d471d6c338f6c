"""Corpus-level linking: one speaker id per person or organization across articles, one quote id
per quotation across copies, and each person's gender. Pure functions over plain records
(``speakers``, ``quotes``, ``gender``), plus the per-article evidence they read (``evidence``)."""
