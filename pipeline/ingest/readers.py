"""Readers for each input format; each yields ``Article`` or ``Reject`` records and never raises on bad input.

Decisions on bad input (each becomes a ``Reject`` whose reason names the problem, and the
run goes on with the next record or file):

- Encoding: see :func:`pipeline.ingest.text.decode_bytes` (BOM, UTF-8, HTML's declared
  charset, damaged UTF-8 with replacement, else Windows-1252). Binary data is rejected.
- Ids: a JSONL/CSV ``id`` with a path separator, a ``..`` segment, or control characters is
  rejected (a URL, as crawlers identify articles, is accepted), not rewritten: a rewritten id could collide with another record's id and would
  no longer match the input, so the article id would silently change meaning.
- Storable strings: a lone surrogate (JSON's ``"\\ud800"``) cannot be written as UTF-8; in
  any field but the id it is replaced by U+FFFD (offsets unchanged), NaN and infinite numbers
  in extra fields become strings, and ``Article.ingest_notes`` says what was changed.
- Size: an article text over ``Limits.max_article_chars`` (default 1,000,000, spaCy's own
  ``nlp.max_length``; override with ``CLAIMS_MAX_ARTICLE_CHARS``) is rejected, and so is a
  txt/html file over ``Limits.max_file_bytes`` (checked before reading, and never read past),
  a CSV line over ``Limits.max_line_bytes`` or a JSONL line over ``Limits.max_json_line_bytes``
  (room for the longest text even written as ``\\uXXXX`` escapes; lines are read in bounded
  pieces, never whole). JSONL and CSV files themselves may be of any size: both are streamed.
  An HTML page with very many tags is extracted without trafilatura's fallback extractors
  (whose time grows with the square of the page), and one with more than
  ``Limits.max_html_tags`` is rejected unparsed.
- Lines end at ``\\n``, ``\\r\\n`` or a lone ``\\r``.
- Duplicates: the first record with a ``doc_id`` wins; later ones are rejected.
- Every file under the input is accounted for: a file we do not read is either a ``Reject``
  (formats someone may well have meant as input, such as ``.xml``, ``.md``, ``.pdf`` or archives,
  with the list of formats we read; names with control characters; named pipes, devices and
  sockets, rejected unopened since reading one could wait or run forever) or a ``Skipped`` with
  its reason (hidden files and folders, files without an extension or of another type,
  symbolic links leading out of the input folder unless ``follow_links``), counted by reason in
  the run summary. The output dataset's own folder (``exclude``) is never read.

JSON, parquet and WARC files, and compressed files of any format, are read by the modules
that :mod:`pipeline.ingest.formats` dispatches to; field names are mapped as
:mod:`pipeline.ingest.fields` says.
"""
from __future__ import annotations

import contextlib
import dataclasses
import csv
import io
import json
import logging
import os
import re
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterable, Iterator

from pipeline.ingest.compression import WrongCompression, logical_stem, open_input
from pipeline.ingest.files import NotRegularFile  # noqa: F401 - raised by the readers, callers catch it
from pipeline.ingest.files import file_kind as _file_kind, not_regular_reason as _not_regular_reason, open_regular
from pipeline.ingest.fields import ARTICLE_FIELDS, field_map, map_fields
from pipeline.ingest.records import Article, Reject, article_id_for, content_hash_for
from pipeline.ingest.skips import Skipped
from pipeline.ingest.text import (UndecodableInput, bom_encoding, cut_boilerplate, decode_bytes,
                                  declared_charset, json_safe, normalize_date, replace_surrogates,
                                  sign_off)

Record = Article | Reject | Skipped
log = logging.getLogger(__name__)

KNOWN_FIELDS = ARTICLE_FIELDS
_ID_UNSAFE = re.compile("[\x00-\x1f\x7f/\\\\\ud800-\udfff]|^\\.+$")
_NAME_UNSAFE = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")  # control characters, bytes that were not UTF-8
_URL_ID = re.compile("^[A-Za-z][A-Za-z0-9+.-]*://[^\x00-\x20\x7f\ud800-\udfff]+$")  # a URL is a fine id, slashes and all
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
    # Tags ("<") above which an HTML page is extracted without the fallback extractors, and the most read at all.
    html_fallback_tags: int = 10_000
    max_html_tags: int = 300_000

    @property
    def max_line_bytes(self) -> int:
        """The longest CSV line read: room for the text (4 bytes a char at worst in UTF-8) and its fields."""
        return self.max_article_chars * 4 + 65536

    @property
    def max_json_line_bytes(self) -> int:
        """The longest JSONL line read: room for the text even if every character is a ``\\uXXXX\\uXXXX`` pair."""
        return self.max_article_chars * 12 + 65536


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
                 limits: Limits = DEFAULT_LIMITS, cut_page_furniture: bool = False) -> Record:
    """Build an Article (finding the publication line), or a Reject.

    ``cut_page_furniture`` cuts trailing page boilerplate (for text taken from a page: txt,
    html); records that bring their own ``text`` (JSONL, CSV) keep it as given. Every string
    is made storable (see the module notes) and what was changed goes to ``ingest_notes``.
    """
    if not isinstance(text, str) or not text.strip():
        return Reject(input_path, record, doc_id, "no article text (empty or whitespace only)")
    if len(text) > limits.max_article_chars:
        return Reject(input_path, record, doc_id, f"article text is {len(text):,} characters, "
                                                  f"over the limit of {limits.max_article_chars:,}")
    if _NAME_UNSAFE.search(doc_id):
        return Reject(input_path, record, None, f"unusable id {doc_id[:80]!r} (control characters or "
                                                "code points UTF-8 cannot store); rename the file or fix the id")
    notes: list[str] = []
    text, title, source, url, author = (json_safe(value, name, notes) for name, value in (
        ("text", text), ("title", title), ("source", source), ("url", url), ("author", author)))
    extra = json_safe(extra or {}, "extra", notes)
    body = cut_boilerplate(text) if cut_page_furniture else text
    wire_source, wire_date = sign_off(body)
    pub = normalize_date(published) or wire_date
    return Article(
        article_id=article_id_for(doc_id), doc_id=doc_id, title=title, text=body, published=pub,
        source=source or wire_source, url=url, author=author, input_path=input_path,
        input_format=input_format, record=record, content_hash=content_hash_for(title, body, pub),
        extra=extra, ingest_notes="; ".join(notes) or None,
    )


def _open_or_reject(path: Path) -> BinaryIO | Reject:
    """The file's (decompressed) content as a stream, or a Reject when its name and bytes disagree."""
    try:
        return open_input(path)
    except WrongCompression as exc:
        return Reject(str(path), None, logical_stem(path), str(exc))


def _read_at_most(fh: BinaryIO, limit: int) -> bytes:
    """Up to ``limit`` bytes of ``fh``, read in pieces (one ``read(limit)`` would allocate ``limit`` bytes)."""
    pieces: list[bytes] = []
    total = 0
    while total < limit:
        piece = fh.read(min(_PIECE, limit - total))
        if not piece:
            break
        pieces.append(piece)
        total += len(piece)
    return b"".join(pieces)


def _read_whole(path: Path, limits: Limits, html: bool = False) -> str | Reject:
    """A whole-file input's text, or a Reject when it is too big, binary or undecodable."""
    with open_regular(path) as fh:
        size = os.fstat(fh.fileno()).st_size
        if size <= limits.max_file_bytes:
            data = _read_at_most(fh, limits.max_file_bytes + 1)  # never past the limit, whatever stat said
            size = max(size, len(data))
        if size > limits.max_file_bytes:
            return Reject(str(path), None, path.stem,
                          f"file is {size:,} bytes, over the limit of {limits.max_file_bytes:,}")
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
                       author=None, input_path=str(path), input_format="txt", record=None, limits=limits,
                       cut_page_furniture=True)


def read_html(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """An HTML page: main text, title, date and author extracted offline with trafilatura.

    The page is parsed from its bytes only: no URL is given, so nothing is fetched, and scripts,
    styles and iframes are never run (trafilatura drops them).
    """
    raw = _read_whole(path, limits, html=True)
    if isinstance(raw, Reject):
        yield raw
        return
    n_tags = raw.count("<")
    if n_tags > limits.max_html_tags:
        yield Reject(str(path), None, path.stem, f"HTML page has {n_tags:,} tags, over the limit of "
                                                 f"{limits.max_html_tags:,} (not a news article page)")
        return
    try:
        import trafilatura  # imported here: it is slow to import and only HTML needs it
    except ImportError as exc:
        yield Reject(str(path), None, path.stem, f"HTML support is not installed ({exc}); reinstall the "
                                                 "project (pip install -e .), which brings trafilatura and lxml_html_clean")
        return
    try:
        # The fallback extractors (readability, jusText) take time quadratic in the page's size: big pages go without.
        doc = trafilatura.bare_extraction(raw, with_metadata=True, include_comments=False,
                                          include_tables=False, favor_precision=True,
                                          fast=n_tags > limits.html_fallback_tags)
    except ImportError as exc:
        yield Reject(str(path), None, path.stem, f"HTML support is not installed ({exc}); reinstall the "
                                                 "project (pip install -e .), which brings lxml_html_clean")
        return
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
                       input_format="html", record=None, limits=limits, cut_page_furniture=True)


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


_EOL = ("\n", "\r")


def _stream_lines(stream: io.TextIOWrapper, max_chars: int) -> Iterator[str | Oversized]:
    """Lines of a text stream opened with ``newline=""`` (ending at \\n, \\r\\n or a lone \\r, kept);
    ``Oversized`` for a line over ``max_chars``, which is skipped in pieces so memory stays bounded."""
    while True:
        line = stream.readline(max_chars + 1)
        if not line:
            return
        if len(line) > max_chars and not line.endswith(_EOL):
            quotes = 0
            while line and not line.endswith(_EOL):
                quotes += line.count('"')
                line = stream.readline(_PIECE)
            yield Oversized(bool((quotes + line.count('"')) % 2))
            continue
        yield line


def _bounded_lines(fh: BinaryIO, max_bytes: int) -> Iterator[bytes | Oversized]:
    """The file's lines as bytes, one at a time; ``Oversized`` for a line longer than ``max_bytes``.

    Split as text decoded as Latin-1 (one character a byte, so nothing is decoded yet and any
    byte is valid), which gives universal line endings at C speed.
    """
    stream = io.TextIOWrapper(fh, encoding="latin-1", newline="")
    try:
        for line in _stream_lines(stream, max_bytes):
            yield line if isinstance(line, Oversized) else line.encode("latin-1")
    finally:
        with contextlib.suppress(ValueError):  # the caller may have closed the file already
            stream.detach()


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
            yield from _stream_lines(stream, max_bytes)
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


def _record_or_reject(row: dict[str, Any], path: Path, record: str, fmt: str, limits: Limits) -> Record:
    """``_from_fields``, with a surprise in one record costing that record only, not the rest of the file."""
    try:
        return _from_fields(row, path, record, fmt, limits)
    except Exception as exc:  # noqa: BLE001 - a bug on one record must not end the file
        log.exception("reading record %s of %s failed", record, path)
        return Reject(str(path), record, None, f"record could not be read: {type(exc).__name__}: {exc}"[:300])


def read_jsonl(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """One JSON object a line with ``id, title, text, published, source, url``; read line by line."""
    fh = _open_or_reject(path)
    if isinstance(fh, Reject):
        yield fh
        return
    with fh:
        for lineno, line in enumerate(_text_lines(fh, limits.max_json_line_bytes), start=1):
            record = str(lineno)
            if isinstance(line, Oversized):
                yield Reject(str(path), record, None, f"line {lineno} is over the size limit of "
                                                      f"{limits.max_json_line_bytes:,} bytes")
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
            yield _record_or_reject(row, path, record, "jsonl", limits)


class _LineFeed:
    """Feeds decoded lines to ``csv.reader``, noting the lines it had to replace (oversized or undecodable).

    It keeps the lines of the row being read (``taken``), so that after a quote left open
    they can be fed again (``replay``) and read as the rows they are.
    """

    def __init__(self, lines: Iterable[str | Oversized | UndecodableInput]) -> None:
        self._lines = iter(lines)
        self._again: deque[tuple[str, str | None, bool]] = deque()
        self.taken: list[tuple[str, str | None, bool]] = []
        self.lineno = 0  # file lines handed out so far
        self.problem: str | None = None
        self.fatal = False

    def __iter__(self) -> "_LineFeed":
        return self

    def __next__(self) -> str:
        if self._again:
            line, problem, fatal = self._again.popleft()
        else:
            line, problem, fatal = self._substitute(next(self._lines))
        self.lineno += 1
        self.taken.append((line, problem, fatal))
        if problem:
            self.problem, self.fatal = problem, fatal
        return line

    @staticmethod
    def _substitute(line: str | Oversized | UndecodableInput) -> tuple[str, str | None, bool]:
        if isinstance(line, Oversized):  # the stand-in keeps the reader's in-quotes state as the line left it
            return ('"\n' if line.odd_quotes else "\n"), "a line over the size limit", False
        if isinstance(line, UndecodableInput):
            return "\n", f"a line that cannot be read as text ({line})", "rest of the file" in str(line)
        return line, None, False

    def start_row(self) -> int:
        """Forget the previous row; returns the file line the next row starts on."""
        self.taken.clear()
        self.problem, self.fatal = None, False
        return self.lineno + 1

    def replay(self, lines: list[tuple[str, str | None, bool]]) -> None:
        """Hand ``lines`` out again, before any line not read yet."""
        self._again.extendleft(reversed(lines))
        self.lineno -= len(lines)


def _lenient_row(line: str) -> list[str] | None:
    """One line with stray quotes read as the spreadsheet programs do (a quote inside a field kept), or None."""
    try:
        return next(csv.reader([line]), [])
    except csv.Error:
        return None


def _first_id(header: list[str] | None, taken: list[tuple[str, str | None, bool]]) -> str | None:
    """The id a rejected row's first line gives, when it can be read (so the reject names the record)."""
    if not header or "id" not in header or not taken or taken[0][1]:
        return None
    cells = _lenient_row(taken[0][0]) or []
    return _clean_id(dict(zip(header, cells)).get("id"))


def read_csv(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record]:
    """A CSV with a header row naming ``id, title, text, published, source, url``; other columns kept.

    Streamed row by row. ``record`` is the row's number counting the header as row 1 (a quoted
    field may span several lines of the file). A quote opened in a row and not closed where
    a field can end (before a comma or the line's end) makes that row a reject naming its
    lines, and the lines after the row's first are read again as rows: an unterminated quote
    costs its own row only, never the rows it ran into.
    """
    csv.field_size_limit(limits.max_line_bytes)
    fh = _open_or_reject(path)
    if isinstance(fh, Reject):
        yield fh
        return
    with fh:
        feed = _LineFeed(_text_lines(fh, limits.max_line_bytes))
        reader = csv.reader(feed, strict=True)
        header: list[str] | None = None
        rowno = 0
        while True:
            first_line = feed.start_row()
            try:
                cells = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:
                cells = None
                taken = list(feed.taken)
                if len(taken) > 1 or "end of data" in str(exc) or "field limit" in str(exc):
                    last = first_line + len(taken) - 1
                    feed.problem = feed.problem or (
                        f"a quote that is not closed where a field can end (lines {first_line}-{last}: {exc}); "
                        f"the lines after line {first_line} are read again as rows")
                    if len(taken) > 1:
                        feed.replay(taken[1:])
                    reader = csv.reader(feed, strict=True)
                elif not feed.problem:
                    cells = _lenient_row(taken[0][0]) if taken else None
                    if cells is None:
                        feed.problem = f"malformed CSV ({exc})"
                    reader = csv.reader(feed, strict=True)
            rowno += 1
            if feed.problem:
                what = "header" if header is None else "row"
                yield Reject(str(path), str(rowno), _first_id(header, feed.taken),
                             f"CSV {what} {rowno} has {feed.problem}")
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
            yield _record_or_reject(dict(zip(header, cells)), path, str(rowno), "csv", limits)
        if header is None:
            yield Reject(str(path), None, None, "empty CSV file (no header row)")


READERS = {".txt": read_txt, ".text": read_txt, ".html": read_html, ".htm": read_html,
           ".xhtml": read_html, ".jsonl": read_jsonl, ".ndjson": read_jsonl, ".csv": read_csv}


def _printable(path: str | os.PathLike[str]) -> str:
    """A path as text that can be stored and shown: bytes that were not UTF-8 as ``\\xNN``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _files(root: Path, errors: list[Reject | Skipped], exclude: Iterable[str | os.PathLike[str]] = (),
           follow_links: bool = False) -> Iterator[Path]:
    """The files under ``root`` to read, depth first in sorted order (a folder's files before its folders).

    What is not yielded is accounted for in ``errors`` as a ``Skipped`` (hidden files and
    folders, symbolic links leading out of ``root`` unless ``follow_links``, links that lead
    nowhere) or a ``Reject`` (a folder that cannot be listed), except the folders in
    ``exclude`` (the output dataset), which are passed over.
    """
    if not root.is_dir():
        yield root
        return
    top = os.path.realpath(root)
    excluded = {os.path.realpath(p) for p in exclude}
    visited: set[tuple[int, int]] = set()

    def skip(path: str, why: str) -> None:
        errors.append(Skipped(_printable(path), None, why))

    stack = [str(root)]
    while stack:
        folder = stack.pop()
        try:
            st = os.stat(folder)
            if (st.st_dev, st.st_ino) in visited:  # a followed link back into a folder already read
                skip(folder, "a folder already read (symbolic links form a loop)")
                continue
            visited.add((st.st_dev, st.st_ino))
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            errors.append(Reject(_printable(exc.filename or folder), None, None,
                                 f"cannot list folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            path = entry.path
            try:
                is_dir = entry.is_dir()  # follows links
            except OSError:
                is_dir = False
            real = os.path.realpath(path) if is_dir or entry.is_symlink() else path
            if is_dir and real in excluded:
                log.info("not reading %s: it is the output dataset's folder", path)
                continue
            if entry.name.startswith("."):
                skip(path, f"hidden {'folder' if is_dir else 'file'} (its name starts with '.')")
                continue
            if entry.is_symlink():
                if not os.path.exists(path):
                    skip(path, f"a symbolic link to {_printable(os.readlink(path))}, which does not exist")
                    continue
                if not _inside(real, top) and not follow_links:
                    skip(path, f"a symbolic link to {_printable(real)}, outside the input folder; "
                               "pass --follow-links to read it")
                    continue
                if is_dir and not follow_links:
                    skip(path, f"a symbolic link to the folder {_printable(real)}, inside the input folder "
                               "(its files are read there; pass --follow-links to read them here too)")
                    continue
            if is_dir:
                subfolders.append(path)
            else:
                yield Path(path)
        stack.extend(reversed(subfolders))


def _unread(file: Path, reader_for, supported) -> Reject | Skipped | None:
    """Why ``file`` is not given to a reader (its name, type or format), else None."""
    def reject(why: str) -> Reject:
        stem = None if _NAME_UNSAFE.search(file.stem) else file.stem
        return Reject(_printable(file), None, stem, why)

    if _NAME_UNSAFE.search(file.name):
        return reject(f"file name {_printable(file.name)!r} holds control characters or bytes that are not "
                      "UTF-8; rename the file")
    if replace_surrogates(str(file))[1]:
        return reject("a folder name in its path holds bytes that are not UTF-8; rename the folder")
    try:
        kind = _file_kind(file.stat().st_mode)
    except OSError as exc:
        return reject(f"cannot read file: {exc.strerror or exc}")
    if kind is not None:
        return reject(_not_regular_reason(kind))
    if reader_for(file, READERS) is not None:
        return None
    suffix = file.suffix.lower()
    formats = supported(READERS)
    if suffix in UNSUPPORTED_INPUTS:
        shown = "".join(file.suffixes[-2:]).lower() if suffix in (".gz", ".bz2", ".zst") else suffix
        return reject(f"unsupported input format {shown!r}; inputs are read from {formats}")
    if not suffix:
        return Skipped(_printable(file), None, "no file extension, so no input format")
    return Skipped(_printable(file), None, f"{suffix!r} is not an input format")


def _storable(rec: Reject | Skipped) -> Reject | Skipped:
    """``rec`` with every string storable as UTF-8 (a path or reason may quote undecodable bytes)."""
    values = {f.name: getattr(rec, f.name) for f in dataclasses.fields(rec)}
    fixed = {k: replace_surrogates(v)[0] if isinstance(v, str) else v for k, v in values.items()}
    return rec if fixed == values else type(rec)(**fixed)


def read_corpus(path: str | os.PathLike[str], limits: Limits | None = None,
                exclude: Iterable[str | os.PathLike[str]] = (), follow_links: bool = False) -> Iterator[Record]:
    """Every article under ``path`` (a file or a folder, recursed in sorted order), streamed.

    Yields ``Article`` or ``Reject`` (and ``Skipped`` for records that are rightly not articles,
    such as a WARC file's requests) and never raises on bad input: each bad file or record
    becomes a ``Reject`` naming it, and a repeated ``doc_id`` is rejected after its first
    occurrence. Every file is accounted for: one not read is a ``Reject`` or a ``Skipped``
    saying why (see the module notes). Folders in ``exclude`` (the output dataset, when it lies inside the input)
    are never read. Symbolic links leading out of ``path`` are followed only with ``follow_links``.
    """
    limits = limits or Limits()
    root = Path(path)
    if not root.exists():
        yield Reject(_printable(root), None, None, "no such file or folder")
        return
    from pipeline.ingest.formats import reader_for, supported  # imported here: those readers build on this module

    seen: set[str] = set()
    folder_errors: list[Reject | Skipped] = []
    for file in _files(root, folder_errors, exclude, follow_links):
        yield from map(_storable, folder_errors)
        folder_errors.clear()
        why = _unread(file, reader_for, supported)
        if why is not None:
            yield _storable(why)
            continue
        reader = reader_for(file, READERS)
        try:
            for rec in reader(file, limits):
                if isinstance(rec, Article):
                    if rec.doc_id in seen:
                        rec = Reject(rec.input_path, rec.record, rec.doc_id,
                                     f"duplicate id {rec.doc_id!r}: an earlier record has it")
                    else:
                        seen.add(rec.doc_id)
                yield _storable(rec) if isinstance(rec, (Reject, Skipped)) else rec
        except OSError as exc:
            yield Reject(_printable(file), None, file.stem, f"cannot read file: {exc.strerror or exc}")
        except Exception as exc:  # noqa: BLE001 - a reader bug must cost one file, not the run
            log.exception("reading %s failed", file)
            yield _storable(Reject(_printable(file), None, file.stem,
                                          f"reading failed: {type(exc).__name__}: {exc}"[:300]))
    yield from map(_storable, folder_errors)
