"""Readers for each input format; each yields ``Article`` or ``Reject`` records and never raises on bad input."""
from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path
from typing import Any, Iterator

from pipeline.ingest.records import Article, Reject, article_id_for, content_hash_for
from pipeline.ingest.text import UndecodableInput, cut_boilerplate, decode_bytes, normalize_date, sign_off

Record = Article | Reject

# Articles longer than this (characters) are rejected: no news story is this long, and spaCy's
# parser needs memory in proportion to it.
MAX_ARTICLE_CHARS = 2_000_000
# Whole-file formats (txt, html) larger than this are rejected before they are read.
MAX_FILE_BYTES = 20_000_000
KNOWN_FIELDS = ("id", "title", "text", "published", "source", "url", "author")
_ID_UNSAFE = re.compile(r"[\x00-\x1f/\\]|^\.+$")


def _clean_id(raw: Any) -> str | None:
    """An input id as a string, or None when it is missing or unusable as a name."""
    if raw is None:
        return None
    doc_id = str(raw).strip()
    if not doc_id or _ID_UNSAFE.search(doc_id) or ".." in doc_id.split("/"):
        return None
    return doc_id


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def make_article(*, doc_id: str, text: str, title: str | None, published: Any, source: str | None,
                 url: str | None, author: str | None, input_path: str, input_format: str,
                 record: str | None, extra: dict[str, Any] | None = None) -> Record:
    """Build an Article (cutting trailing page boilerplate and finding the publication line), or a Reject."""
    if not isinstance(text, str) or not text.strip():
        return Reject(input_path, record, doc_id, "no article text (empty or whitespace only)")
    if len(text) > MAX_ARTICLE_CHARS:
        return Reject(input_path, record, doc_id,
                      f"article text is {len(text):,} characters, over the limit of {MAX_ARTICLE_CHARS:,}")
    body = cut_boilerplate(text)
    wire_source, wire_date = sign_off(body)
    pub = normalize_date(published) or wire_date
    return Article(
        article_id=article_id_for(doc_id), doc_id=doc_id, title=title, text=body, published=pub,
        source=source or wire_source, url=url, author=author, input_path=input_path,
        input_format=input_format, record=record, content_hash=content_hash_for(title, body, pub),
        extra=extra or {},
    )


def _read_file_text(path: Path) -> str | Reject:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        return Reject(str(path), None, path.stem, f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}")
    try:
        text, _ = decode_bytes(path.read_bytes())
    except UndecodableInput as exc:
        return Reject(str(path), None, path.stem, f"cannot read as text: {exc}")
    return text


def read_txt(path: Path) -> Iterator[Record]:
    """A plain-text article: the first non-empty line is the title; the id is the file name."""
    text = _read_file_text(path)
    if isinstance(text, Reject):
        yield text
        return
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    yield make_article(doc_id=path.stem, text=text, title=title, published=None, source=None, url=None,
                       author=None, input_path=str(path), input_format="txt", record=None)


def read_html(path: Path) -> Iterator[Record]:
    """An HTML page: main text, title, date and author extracted offline with trafilatura."""
    raw = _read_file_text(path)
    if isinstance(raw, Reject):
        yield raw
        return
    import trafilatura  # imported here: it is slow to import and only HTML needs it

    try:
        doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_precision=True)
    except Exception as exc:  # noqa: BLE001 - a parser failure is this file's problem only
        yield Reject(str(path), None, path.stem, f"HTML could not be parsed: {type(exc).__name__}: {exc}")
        return
    data = doc.as_dict() if hasattr(doc, "as_dict") else (doc or {})
    text = data.get("text") or ""
    if not text.strip():
        yield Reject(str(path), None, path.stem, "no article text found in the HTML page")
        return
    body = text if not data.get("title") else f"{data['title']}\n{text}"
    yield make_article(doc_id=path.stem, text=body, title=_str_or_none(data.get("title")),
                       published=data.get("date"), source=_str_or_none(data.get("sitename")),
                       url=_str_or_none(data.get("url")), author=_str_or_none(data.get("author")),
                       input_path=str(path), input_format="html", record=None)


def _from_fields(row: dict[str, Any], path: Path, record: str, fmt: str) -> Record:
    doc_id = _clean_id(row.get("id"))
    if doc_id is None:
        raw = row.get("id")
        why = "no id" if raw in (None, "") else f"unusable id {str(raw)[:80]!r} (path separators, '..' or control characters)"
        return Reject(str(path), record, None, f"{why}; every record needs an `id`")
    text = row.get("text")
    if text is not None and not isinstance(text, str):
        return Reject(str(path), record, doc_id, f"`text` is a {type(text).__name__}, not a string")
    extra = {k: v for k, v in row.items() if k not in KNOWN_FIELDS}
    return make_article(doc_id=doc_id, text=text or "", title=_str_or_none(row.get("title")),
                        published=row.get("published"), source=_str_or_none(row.get("source")),
                        url=_str_or_none(row.get("url")), author=_str_or_none(row.get("author")),
                        input_path=str(path), input_format=fmt, record=record, extra=extra)


def read_jsonl(path: Path) -> Iterator[Record]:
    """One JSON object a line with ``id, title, text, published, source, url``; read line by line."""
    with open(path, "rb") as fh:
        for lineno, raw in enumerate(fh, start=1):
            record = str(lineno)
            if not raw.strip():
                continue
            if len(raw) > MAX_ARTICLE_CHARS * 4:
                yield Reject(str(path), record, None, f"line is {len(raw):,} bytes, over the size limit")
                continue
            try:
                line, _ = decode_bytes(raw)
                row = json.loads(line)
            except (UndecodableInput, json.JSONDecodeError, RecursionError) as exc:
                yield Reject(str(path), record, None, f"malformed JSON line: {str(exc)[:200]}")
                continue
            if not isinstance(row, dict):
                yield Reject(str(path), record, None, f"JSON line is a {type(row).__name__}, not an object")
                continue
            yield _from_fields(row, path, record, "jsonl")


def read_csv(path: Path) -> Iterator[Record]:
    """A CSV with a header row naming ``id, title, text, published, source, url``; other columns kept."""
    text = _read_file_text(path)
    if isinstance(text, Reject):
        yield text
        return
    csv.field_size_limit(MAX_ARTICLE_CHARS * 4)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        yield Reject(str(path), None, None, "empty CSV file (no header row)")
        return
    except csv.Error as exc:
        yield Reject(str(path), "1", None, f"malformed CSV header: {exc}")
        return
    if "id" not in header or "text" not in header:
        yield Reject(str(path), "1", None, f"CSV header lacks `id` and/or `text` (has {header[:10]})")
        return
    rowno = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            rowno += 1
            yield Reject(str(path), str(rowno), None, f"malformed CSV row: {exc}")
            continue
        rowno += 1
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            yield Reject(str(path), str(rowno), _clean_id(cells[0]) if cells else None,
                         f"CSV row has {len(cells)} fields, the header has {len(header)}")
            continue
        yield _from_fields(dict(zip(header, cells)), path, str(rowno), "csv")


READERS = {".txt": read_txt, ".text": read_txt, ".html": read_html, ".htm": read_html,
           ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv}


def _files(root: Path) -> Iterator[Path]:
    if root.is_file():
        yield root
        return
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def read_corpus(path: str | os.PathLike[str]) -> Iterator[Record]:
    """Every article under ``path`` (a file or a folder, in sorted order), streamed.

    Files of other types are skipped. Each bad file or record becomes a ``Reject`` naming it; a
    repeated ``doc_id`` is rejected after its first occurrence.
    """
    root = Path(path)
    seen: set[str] = set()
    for file in _files(root):
        reader = READERS.get(file.suffix.lower())
        if reader is None:
            continue
        try:
            records = list(reader(file)) if reader is not read_jsonl else reader(file)
            for rec in records:
                if isinstance(rec, Article):
                    if rec.doc_id in seen:
                        rec = Reject(rec.input_path, rec.record, rec.doc_id, f"duplicate id {rec.doc_id!r}: an earlier record has it")
                    else:
                        seen.add(rec.doc_id)
                yield rec
        except OSError as exc:
            yield Reject(str(file), None, file.stem, f"cannot read file: {exc.strerror or exc}")
