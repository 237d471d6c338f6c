"""The WARC reader (``.warc``, ``.warc.gz``, as CC-News and web crawlers write them), through ``warcio``.

Each ``response`` (or ``resource``) record with an HTML payload goes through the HTML reader
(:func:`pipeline.ingest.readers.read_html`, so a page in a WARC is read exactly as the same page
in an ``.html`` file); ``WARC-Target-URI`` becomes ``url``, the page's own date (else the
record's ``WARC-Date``) ``published``, and the ``WARC-Record-ID`` the ``doc_id``. ``record`` is
the record's byte offset in the file (in a ``.warc.gz``, the offset of its gzip member; in a
``.warc.zst`` or ``.warc.bz2``, of the decompressed stream).

Records that are not articles (``warcinfo``, ``request``, ``metadata``, ``revisit``, responses
that are not HTML or not status 2xx) are yielded as :class:`~pipeline.ingest.skips.Skipped`
with the reason. A damaged record (its ``Content-Length`` disagrees with its content, its gzip
member is corrupt, the file ends inside it) is rejected with its offset, and reading resumes
at the next record start found after it (a ``WARC/1.x`` line, or a gzip member that holds
one), so one bad record costs that record only.
"""
from __future__ import annotations

import dataclasses
import re
import tempfile
import zlib
from pathlib import Path
from typing import BinaryIO, Iterator

from pipeline.ingest.compression import check_magic, compression_of, open_input
from pipeline.ingest.files import open_regular
from pipeline.ingest.readers import DEFAULT_LIMITS, Limits, Record, read_html
from pipeline.ingest.records import Article, Reject, article_id_for, content_hash_for
from pipeline.ingest.skips import Skipped
from pipeline.ingest.text import declared_charset, normalize_date

HTML_TYPES = ("text/html", "application/xhtml+xml")
ARTICLE_RECORDS = ("response", "resource")
_SCAN = 1 << 20
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]{2,40})", re.IGNORECASE)


def read_warc(path: Path, limits: Limits = DEFAULT_LIMITS) -> Iterator[Record | Skipped]:
    """Articles (and skips and rejects) of a WARC file, record by record."""
    from warcio.archiveiterator import ArchiveIterator

    class QuietIterator(ArchiveIterator):
        INC_RECORD = ""  # a bad Content-Length is reported as a reject, not printed

    compression = compression_of(path)
    gz = compression == "gzip"
    with tempfile.TemporaryDirectory(prefix="claims-warc-") as tmp:
        pages = Path(tmp)
        if compression in (None, "gzip"):
            fh: BinaryIO = open_regular(path)
            check_magic(path, fh.read(10))
            fh.seek(0)
        else:
            fh = open_input(path)  # zstd / bz2: one stream, read forward only
        with fh:
            start = 0
            while start is not None:
                it = QuietIterator(fh)
                offset = it.offset
                try:
                    for rec in it:
                        offset = it.offset
                        errors = it.err_count
                        out = _one_record(rec, path, offset, pages, limits)
                        it.read_to_end()
                        if it.err_count > errors or rec.raw_stream.limit > 0:
                            declared = rec.rec_headers.get_header("Content-Length")
                            raise _Damaged(f"its Content-Length ({declared}) does not match its content "
                                           "(the record is cut short or runs into the next one)")
                        yield from out
                    end = it.offset
                    start = None
                    if compression in (None, "gzip") and _has_more(fh, end):
                        yield Reject(str(path), str(end), None,
                                     f"WARC record at offset {end:,} is truncated: the file ends inside it")
                except Exception as exc:  # noqa: BLE001 - warcio, zlib and gzip each raise their own types
                    if isinstance(exc, OSError) and exc.errno is not None:
                        raise  # a real read error of the file: the whole file's problem
                    if isinstance(exc, _Damaged):
                        why = str(exc)
                    else:  # the record that failed to start where the last one ended; its bytes shown escaped
                        offset = it.offset
                        why = f"{type(exc).__name__}: {repr(str(exc).strip())[1:-1][:160]}"
                    yield Reject(str(path), str(offset), None, f"WARC record at offset {offset:,} is damaged: {why}")
                    start = _next_start(fh, offset + 1, gz) if compression in (None, "gzip") else None
                    if start is not None:
                        fh.seek(start)


class _Damaged(Exception):
    """A record whose length does not match its content."""


def _one_record(rec, path: Path, offset: int, pages: Path, limits: Limits) -> list[Record | Skipped]:
    """What one WARC record gives: an article or reject (HTML responses), else a skip.

    An HTML payload is handed to the HTML reader as a file of its own in ``pages`` (a new file
    each time: rewriting one file in place is several times slower on some file systems).
    """
    where = str(offset)
    kind = rec.rec_type
    if kind not in ARTICLE_RECORDS:
        return [Skipped(str(path), where, f"WARC {kind} record")]
    if kind == "response":
        if rec.http_headers is None:
            return [Skipped(str(path), where, "WARC response record without an HTTP response")]
        status = rec.http_headers.get_statuscode() or ""
        if not status.startswith("2"):
            return [Skipped(str(path), where, f"HTTP status {status[:3] or 'missing'}")]
        ctype = rec.http_headers.get_header("Content-Type") or ""
    else:
        ctype = rec.rec_headers.get_header("Content-Type") or ""
    payload = rec.content_stream().read(limits.max_file_bytes + 1)
    media = ctype.split(";")[0].strip().lower()
    if media not in HTML_TYPES and not (not media and payload.lstrip()[:15].lower().startswith((b"<!doctype html", b"<html"))):
        return [Skipped(str(path), where, f"non-HTML payload ({media or 'no Content-Type'})")]
    record_id = (rec.rec_headers.get_header("WARC-Record-ID") or "").strip().strip("<>")
    if len(payload) > limits.max_file_bytes:
        return [Reject(str(path), where, record_id or None,
                       f"WARC record at offset {offset:,}: the page is over the limit of {limits.max_file_bytes:,} bytes")]
    if not record_id:
        return [Reject(str(path), where, None, f"WARC record at offset {offset:,} has no WARC-Record-ID")]
    charset = _HTTP_CHARSET.search(ctype)
    if charset and declared_charset(payload) is None:  # the HTTP header is the page's only charset: keep it with the page
        payload = b'<meta charset="' + charset.group(1).encode("ascii") + b'">' + payload
    page = pages / f"{offset}.html"
    page.write_bytes(payload)
    url = (rec.rec_headers.get_header("WARC-Target-URI") or "").strip() or None
    warc_date = rec.rec_headers.get_header("WARC-Date")
    try:
        return [_relabel(r, path, where, record_id, url, warc_date) for r in read_html(page, limits)]
    finally:
        page.unlink()


def _relabel(rec: Record, path: Path, where: str, record_id: str, url: str | None,
             warc_date: str | None) -> Record:
    """A record the HTML reader made from the payload, named as the WARC record it came from."""
    if isinstance(rec, Reject):
        reason = rec.reason.replace("the HTML page", "the page")
        return Reject(str(path), where, record_id, f"WARC record at offset {int(where):,}: {reason}")
    assert isinstance(rec, Article)
    published = rec.published or normalize_date(warc_date)
    return dataclasses.replace(
        rec, article_id=article_id_for(record_id), doc_id=record_id, url=url or rec.url, published=published,
        input_path=str(path), input_format="warc", record=where,
        content_hash=content_hash_for(rec.title, rec.text, published),
        extra={**rec.extra, **({"warc_date": warc_date} if warc_date else {})})


def _has_more(fh: BinaryIO, end: int) -> bool:
    """Whether anything but blank lines follows ``end`` in the file."""
    fh.seek(end)
    while chunk := fh.read(_SCAN):
        if chunk.strip():
            return True
    return False


def _next_start(fh: BinaryIO, after: int, gz: bool) -> int | None:
    """The offset of the next record start after ``after``: a ``WARC/1.`` line, or a gzip member holding one."""
    pos = after
    tail = b""
    while True:
        fh.seek(pos)
        chunk = fh.read(_SCAN)
        if not chunk:
            return None
        data = tail + chunk
        base = pos - len(tail)
        needle = b"\x1f\x8b\x08" if gz else b"\nWARC/1."
        i = data.find(needle)
        while i != -1:
            at = base + i + (0 if gz else 1)
            if at >= after and (not gz or _member_is_warc(fh, at)):
                return at
            i = data.find(needle, i + 1)
        tail = data[-8:]
        pos += len(chunk)


def _member_is_warc(fh: BinaryIO, at: int) -> bool:
    fh.seek(at)
    try:
        head = zlib.decompressobj(31).decompress(fh.read(4096), 16)
    except zlib.error:
        return False
    return head.startswith(b"WARC/1.")
