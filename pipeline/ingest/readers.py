"""Readers for each input format; each yields ``Article`` or ``Reject`` records and never raises on bad input.

Decisions on bad input (each becomes a ``Reject`` whose reason names the problem, and the
run goes on with the next record or file):

- Encoding: see :func:`pipeline.ingest.text.decode_bytes` (BOM, UTF-8, HTML's declared
  charset, damaged UTF-8 with replacement, else Windows-1252). Binary data is rejected.
- Ids: a JSONL/CSV ``id`` with a path separator, a ``..`` segment, or control characters is
  rejected (a URL, as crawlers identify articles, is accepted), not rewritten: a rewritten id could collide with another record's id and would
  no longer match the input, so the article id would silently change meaning.
- Size: an article text over ``Limits.max_article_chars`` (default 1,000,000, spaCy's own
  ``nlp.max_length``; override with ``CLAIMS_MAX_ARTICLE_CHARS``) is rejected, and so is a
  txt/html file over ``Limits.max_file_bytes`` (checked before reading) or a JSONL/CSV line
  over ``Limits.max_line_bytes`` (read in bounded pieces, never whole). JSONL and CSV files
  themselves may be of any size: both are streamed.
- Duplicates: the first record with a ``doc_id`` wins; later ones are rejected.
- Files with an extension we do not read are skipped, except formats someone may well have
  meant as input (``.xml``, ``.md``, ``.pdf``, archives...), which are rejected
  with the list of formats we read.

JSON, parquet and WARC files, and compressed files of any format, are read by the modules
that :mod:`pipeline.ingest.formats` dispatches to; field names are mapped as
:mod:`pipeline.ingest.fields` says.
"""
from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from pipeline.ingest.compression import open_input
from pipeline.ingest.fields import ARTICLE_FIELDS, field_map, map_fields
from pipeline.ingest.records import Article, Reject, article_id_for, content_hash_for
from pipeline.ingest.text import (UndecodableInput, bom_encoding, cut_boilerplate, decode_bytes,
                                  declared_charset, normalize_date, sign_off)

Record = Article | Reject
log = logging.getLogger(__name__)

KNOWN_FIELDS = ARTICLE_FIELDS
_ID_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]|^\.+$")
_URL_ID = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://[^\x00-\x20\x7f]+$")  # a URL is a fine id, slashes and all
# Extensions of files that look like inputs we were meant to read but cannot: reported, not skipped.
UNSUPPORTED_INPUTS = frozenset({
    ".xml", ".rss", ".atom", ".md", ".markdown", ".rst", ".tsv", ".rtf", ".pdf", ".doc",
    ".docx", ".odt", ".epub", ".eml", ".mbox", ".xlsx", ".xls", ".gz", ".bz2", ".xz",
    ".zst", ".zip", ".tar", ".tgz", ".7z"})
_PIECE = 1 << 20  # bytes read at a time when skipping over an oversized line


def _env_int(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """Size caps that keep one huge input from exhausting memory."""

    max_article_chars: int = field(default_factory=lambda: _env_int("CLAIMS_MAX_ARTICLE_CHARS", 1_000_000))
    max_file_bytes: int = field(default_factory=lambda: _env_int("CLAIMS_MAX_FILE_BYTES", 20_000_000))
    min_html_words: int = 8

    @property
    def max_line_bytes(self) -> int:
        """The longest JSONL/CSV line read: room for the text (4 bytes a char at worst) and its fields."""
        return self.max_article_chars * 4 + 65536


DEFAULT_LIMITS = Limits()
MAX_ARTICLE_CHARS = DEFAULT_LIMITS.max_article_chars
MAX_FILE_BYTES = DEFAULT_LIMITS.max_file_bytes


def _clean_id(raw: Any) -> str | None:
    """An input id as a string, or None when it is missing or unusable as a name."""
    if raw is None or isinstance(raw, (dict, list, bool)):
        return None
    doc_id = str(raw).strip()
    if _URL_ID.match(doc_id):
        return doc_id
    if not doc_id or _ID_UNSAFE.search(doc_id) or ".." in re.split(r"[/\\]", doc_id):
        return None
    return doc_id


def _str_or_none(value: Any) -> str | None:
    if value is None:
        return None
    s = str(value).strip()
    return s or None


def make_article(*, doc_id: str, text: str, title: str | None, published: Any, source: str | None,
                 url: str | None, author: str | None, input_path: str, input_format: str,
                 record: str | None, extra: dict[str, Any] | None = None,
                 limits: Limits = DEFAULT_LIMITS) -> Record:
    """Build an Article (cutting trailing page boilerplate and finding the publication line), or a Reject."""
    if not isinstance(text, str) or not text.strip():
        return Reject(input_path, record, doc_id, "no article text (empty or whitespace only)")
    if len(text) > limits.max_article_chars:
        return Reject(input_path, record, doc_id, f"article text is {len(text):,} characters, "
                                                  f"over the limit of {limits.max_article_chars:,}")
    body = cut_boilerplate(text)
    wire_source, wire_date = sign_off(body)
    pub = normalize_date(published) or wire_date
    return Article(
        article_id=article_id_for(doc_id), doc_id=doc_id, title=title, text=body, published=pub,
        source=source or wire_source, url=url, author=author, input_path=input_path,
        input_format=input_format, record=record, content_hash=content_hash_for(title, body, pub),
        extra=extra or {},
    )


def _read_whole(path: Path, limits: Limits, html: bool = False) -> str | Reject:
    """A whole-file input's text, or a Reject when it is too big, binary or undecodable."""
    size = path.stat().st_size
    if size > limits.max_file_bytes:
        return Reject(str(path), None, path.stem,
                      f"file is {size:,} bytes, over the limit of {limits.max_file_bytes:,}")
    data = path.read_bytes()
    try:
        text, _ = decode_bytes(data, declared_charset(data) if html else None)
    except UndecodableInput as exc:
        return Reject(str(path), None, path.stem, f"cannot read as text: {exc}")
    return text


def read_txt(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """A plain-text article: the first non-empty line is the title; the id is the file name."""
    text = _read_whole(path, limits)
    if isinstance(text, Reject):
        yield text
        return
    title = next((line.strip() for line in text.splitlines() if line.strip()), None)
    yield make_article(doc_id=path.stem, text=text, title=title, published=None, source=None, url=None,
                       author=None, input_path=str(path), input_format="txt", record=None, limits=limits)


def read_html(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """An HTML page: main text, title, date and author extracted offline with trafilatura.

    The page is parsed from its bytes only: no URL is given, so nothing is fetched, and scripts,
    styles and iframes are never run (trafilatura drops them).
    """
    raw = _read_whole(path, limits, html=True)
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
    n_words = len(text.split())
    if n_words < limits.min_html_words:  # menus and footers only: extraction fell back to page furniture
        why = f" (only {n_words} words of page text)" if n_words else ""
        yield Reject(str(path), None, path.stem, f"no article text found in the HTML page{why}")
        return
    title = _str_or_none(data.get("title"))
    # The title leads the analysed text (as in a .txt article) unless the extracted body already opens with it.
    body = f"{title}\n{text}" if title and not text.lstrip().startswith(title) else text
    yield make_article(doc_id=path.stem, text=body, title=title, published=data.get("date"),
                       source=_str_or_none(data.get("sitename")), url=_str_or_none(data.get("url")),
                       author=_str_or_none(data.get("author")), input_path=str(path),
                       input_format="html", record=None, limits=limits)


def _from_fields(row: dict[str, Any], path: Path, record: str | None, fmt: str, limits: Limits) -> Record:
    row = map_fields(row, limits)
    doc_id = _clean_id(row.get("id"))
    if doc_id is None:
        raw = row.get("id")
        why = ("no id" if raw is None or str(raw).strip() == "" else
               f"unusable id {str(raw)[:80]!r} (path separators, '..', control characters or not a scalar)")
        return Reject(str(path), record, None, f"{why}; every record needs an `id`")
    text = row.get("text")
    if text is not None and not isinstance(text, str):
        return Reject(str(path), record, doc_id, f"`text` is a {type(text).__name__}, not a string")
    extra = {k: v for k, v in row.items() if k not in KNOWN_FIELDS}
    return make_article(doc_id=doc_id, text=text or "", title=_str_or_none(row.get("title")),
                        published=row.get("published"), source=_str_or_none(row.get("source")),
                        url=_str_or_none(row.get("url")), author=_str_or_none(row.get("author")),
                        input_path=str(path), input_format=fmt, record=record, extra=extra, limits=limits)


@dataclass(frozen=True)
class Oversized:
    """Stands for a line longer than the limit, which was skipped unread (``odd_quotes``: for CSV quoting)."""

    odd_quotes: bool


def _bounded_lines(fh: BinaryIO, max_bytes: int) -> Iterator[bytes | Oversized]:
    """The file's lines as bytes, one at a time; ``Oversized`` for a line longer than ``max_bytes``.

    An oversized line is skipped in pieces, so memory stays bounded by ``max_bytes``.
    """
    while True:
        line = fh.readline(max_bytes + 1)
        if not line:
            return
        if len(line) > max_bytes and not line.endswith(b"\n"):
            quotes = 0
            while line and not line.endswith(b"\n"):
                quotes += line.count(b'"')
                line = fh.readline(_PIECE)
            yield Oversized(bool((quotes + line.count(b'"')) % 2))
            continue
        yield line


def _text_lines(fh: BinaryIO, max_bytes: int) -> Iterator[str | Oversized | UndecodableInput]:
    """Decoded lines of a line-oriented file; ``Oversized`` for a line over ``max_bytes``, an exception for an undecodable one.

    UTF-16/32 files (told by their byte-order mark) are decoded as a stream; any other file
    line by line, so one line in a wrong encoding only costs that line.
    """
    encoding = bom_encoding(fh.read(4))
    fh.seek(0)
    if encoding in ("utf-16", "utf-32"):
        stream = io.TextIOWrapper(fh, encoding=encoding, errors="strict", newline="")
        try:
            while True:
                line = stream.readline(max_bytes)
                if not line:
                    return
                if len(line) >= max_bytes and not line.endswith(("\n", "\r")):
                    quotes = 0
                    while line and not line.endswith(("\n", "\r")):
                        quotes += line.count('"')
                        line = stream.readline(_PIECE)
                    yield Oversized(bool((quotes + line.count('"')) % 2))
                    continue
                yield line
        except UnicodeDecodeError as exc:
            yield UndecodableInput(f"invalid {encoding} ({exc.reason}); the rest of the file is unreadable")
        finally:
            with contextlib.suppress(ValueError):  # the caller may have closed the file already
                stream.detach()
        return
    for raw in _bounded_lines(fh, max_bytes):
        if isinstance(raw, Oversized):
            yield raw
            continue
        try:
            yield decode_bytes(raw)[0]
        except UndecodableInput as exc:
            yield exc


def read_jsonl(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """One JSON object a line with ``id, title, text, published, source, url``; read line by line."""
    with open_input(path) as fh:
        for lineno, line in enumerate(_text_lines(fh, limits.max_line_bytes), start=1):
            record = str(lineno)
            if isinstance(line, Oversized):
                yield Reject(str(path), record, None, f"line {lineno} is over the size limit of "
                                                      f"{limits.max_line_bytes:,} bytes")
                continue
            if isinstance(line, UndecodableInput):
                yield Reject(str(path), record, None, f"line {lineno} cannot be read as text: {line}")
                if "rest of the file" in str(line):
                    return
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line.strip())
            except json.JSONDecodeError as exc:
                yield Reject(str(path), record, None,
                             f"malformed JSON on line {lineno}, column {exc.colno}: {exc.msg}")
                continue
            except RecursionError:
                yield Reject(str(path), record, None, f"malformed JSON on line {lineno}: nested too deeply")
                continue
            if not isinstance(row, dict):
                yield Reject(str(path), record, None, f"line {lineno} is a JSON {type(row).__name__}, not an object")
                continue
            yield _from_fields(row, path, record, "jsonl", limits)


class _LineFeed:
    """Feeds decoded lines to ``csv.reader``, noting the lines it had to replace (oversized or undecodable)."""

    def __init__(self, lines: Iterable[str | Oversized | UndecodableInput]) -> None:
        self._lines = iter(lines)
        self.problem: str | None = None
        self.fatal = False

    def __iter__(self) -> "_LineFeed":
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        if isinstance(line, Oversized):
            self.problem = "a line over the size limit"
            return '"\n' if line.odd_quotes else "\n"  # keeps the reader's in-quotes state as the line left it
        if isinstance(line, UndecodableInput):
            self.problem = f"a line that cannot be read as text ({line})"
            self.fatal = "rest of the file" in str(line)
            return "\n"
        return line


def read_csv(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """A CSV with a header row naming ``id, title, text, published, source, url``; other columns kept.

    Streamed row by row. ``record`` is the row's number counting the header as row 1 (a quoted
    field may span several lines of the file).
    """
    csv.field_size_limit(limits.max_line_bytes)
    with open_input(path) as fh:
        feed = _LineFeed(_text_lines(fh, limits.max_line_bytes))
        reader = csv.reader(feed)
        header: list[str] | None = None
        rowno = 0
        while True:
            feed.problem = None
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                cells, feed.problem = None, f"malformed CSV ({exc})"
            rowno += 1
            if feed.problem:
                what = "header" if header is None else "row"
                yield Reject(str(path), str(rowno), None, f"CSV {what} {rowno} has {feed.problem}")
                if header is None or feed.fatal:
                    return
                continue
            if header is None:
                header = field_map(limits).rename_columns([h.strip().lstrip("\ufeff") for h in cells])
                if not field_map(limits).finds("id", header) or "text" not in header:
                    yield Reject(str(path), "1", None, f"CSV header lacks `id` and/or `text` (has {header[:10]})")
                    return
                continue
            if not any(c.strip() for c in cells):
                continue
            if len(cells) != len(header):
                first = dict(zip(header, cells)).get("id")
                yield Reject(str(path), str(rowno), _clean_id(first),
                             f"CSV row {rowno} has {len(cells)} fields, the header has {len(header)}")
                continue
            yield _from_fields(dict(zip(header, cells)), path, str(rowno), "csv", limits)
        if header is None:
            yield Reject(str(path), None, None, "empty CSV file (no header row)")


READERS = {".txt": read_txt, ".text": read_txt, ".html": read_html, ".htm": read_html,
           ".xhtml": read_html, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv}


def _files(root: Path, errors: list[Reject]) -> Iterator[Path]:
    if root.is_file():
        yield root
        return

    def failed(exc: OSError) -> None:
        errors.append(Reject(str(exc.filename or root), None, None, f"cannot list folder: {exc.strerror or exc}"))

    for dirpath, dirnames, filenames in os.walk(root, onerror=failed):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            if not name.startswith("."):
                yield Path(dirpath) / name


def read_corpus(path: str | os.PathLike[str], limits: Limits | None = None) -> Iterator[Record]:
    """Every article under ``path`` (a file or a folder, recursed in sorted order), streamed.

    Yields ``Article`` or ``Reject`` (and ``Skipped`` for records that are rightly not articles,
    such as a WARC file's requests) and never raises on bad input: each bad file or record
    becomes a ``Reject`` naming it, and a repeated ``doc_id`` is rejected after its first
    occurrence. Files of types we do not read are skipped (or rejected, see the module notes).
    """
    limits = limits or Limits()
    root = Path(path)
    if not root.exists():
        yield Reject(str(root), None, None, "no such file or folder")
        return
    from pipeline.ingest.formats import reader_for, supported  # imported here: those readers build on this module

    seen: set[str] = set()
    folder_errors: list[Reject] = []
    for file in _files(root, folder_errors):
        yield from folder_errors
        folder_errors.clear()
        suffix = file.suffix.lower()
        reader = reader_for(file, READERS)
        if reader is None:
            if suffix in UNSUPPORTED_INPUTS:
                shown = "".join(file.suffixes[-2:]).lower() if suffix in (".gz", ".bz2", ".zst") else suffix
                yield Reject(str(file), None, file.stem, f"unsupported input format {shown!r}; "
                                                         f"inputs are read from {supported(READERS)}")
            continue
        try:
            for rec in reader(file, limits):
                if isinstance(rec, Article):
                    if rec.doc_id in seen:
                        rec = Reject(rec.input_path, rec.record, rec.doc_id,
                                     f"duplicate id {rec.doc_id!r}: an earlier record has it")
                    else:
                        seen.add(rec.doc_id)
                yield rec
        except OSError as exc:
            yield Reject(str(file), None, file.stem, f"cannot read file: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 - a reader bug must cost one file, not the run
            log.exception("reading %s failed", file)
            yield Reject(str(file), None, file.stem, f"reading failed: {type(exc).__name__}: {exc}"[:300])
    yield from folder_errors
