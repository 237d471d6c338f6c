"""Text hygiene for inputs: decoding bytes, cutting page boilerplate, finding the publication line."""
from __future__ import annotations

import codecs
import logging
import math
import re
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime

from pipeline.errors import InputError

log = logging.getLogger(__name__)

# Lines that open a site's page furniture after the story (section rails, teasers, related links).
BOILERPLATE_HEADINGS = re.compile(
    r"^\s*(IN DEPTH|Opinion|Top Stories|.{0,40}Top Stories|Related( Stories| Articles| Links)?|"
    r"Read more|More from .{1,40}|Trending( Now)?|Most Read|Most Popular|Recommended( for you)?|"
    r"Latest (News|Stories)|You (may|might) also like|"
    r"Share this (article|story)|Sign up for .{1,60}newsletter.*)\s*:?\s*$",
    re.IGNORECASE,
)
# The wire's sign-off closes the story: "This report by The Canadian Press was first published March 22, 2023."
SIGN_OFF = re.compile(
    r"^\s*This (?:report|story|article) by (?P<source>.+?) was first published (?P<date>[A-Z][a-z]+\.? \d{1,2},? \d{4})\.?\s*$",
    re.MULTILINE,
)
_BOM_ENCODINGS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
                  (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


class UndecodableInput(InputError, ValueError):
    """The bytes are not text in any encoding we accept."""


# A well-formed multi-byte UTF-8 sequence: its presence says "UTF-8 with some damage", not cp1252.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_HIGH_BYTE = re.compile(rb"[\x80-\xff]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{2,40})""", re.IGNORECASE)


def bom_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark at the start of ``head`` announces, else None."""
    for bom, encoding in _BOM_ENCODINGS:
        if head.startswith(bom):
            return encoding
    return None


# Control characters other than tab, newline, form feed and carriage return.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def decode_bytes(data: bytes, declared: str | None = None) -> tuple[str, str]:
    """Decode input bytes; returns the text and the encoding used.

    The order, and why: a byte-order mark wins (UTF-8-sig, UTF-16, UTF-32); then strict UTF-8
    (what almost every input is); then ``declared`` (an HTML page's ``<meta charset>``) if
    given. Bytes that are still not UTF-8 are decoded as UTF-8 with U+FFFD replacement when
    well-formed multi-byte UTF-8 sequences outnumber the invalid bytes (a UTF-8 file with a
    little damage: the rest of it stays right), else as Windows-1252 (legacy Western text,
    the usual non-UTF-8 news encoding; a superset of Latin-1's printable range).

    Raises ``UndecodableInput`` for binary data (NUL bytes or many control characters) and for
    bytes that contradict their own byte-order mark.
    """
    encoding = bom_encoding(data)
    if encoding:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError as exc:
            raise UndecodableInput(f"invalid {encoding} after its byte-order mark at byte {exc.start}") from None
    if b"\x00" in data[:65536]:
        raise UndecodableInput("binary content (NUL bytes), not text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        text, encoding = _fallback_decode(data, exc, declared)
    sample = text[:65536]
    controls = len(_CONTROL_CHARS.findall(sample))
    if sample and controls / len(sample) > 0.05:
        raise UndecodableInput("binary content (control characters), not text")
    return text, encoding


def _fallback_decode(data: bytes, exc: UnicodeDecodeError, declared: str | None) -> tuple[str, str]:
    if declared:
        try:
            if codecs.lookup(declared).name not in ("utf-8", "utf-16", "utf-32"):
                return data.decode(declared), codecs.lookup(declared).name
        except (LookupError, UnicodeDecodeError):
            pass
    good = sum(len(m) for m in _UTF8_MULTIBYTE.findall(data))
    bad = len(_HIGH_BYTE.findall(data)) - good
    if good >= bad:
        log.info("invalid UTF-8 at byte %d (%d bad bytes); decoded as UTF-8 with replacement", exc.start, bad)
        return data.decode("utf-8", errors="replace"), "utf-8 (damaged)"
    return data.decode("cp1252", errors="replace"), "cp1252"


# A code point UTF-8 cannot encode: half of a UTF-16 surrogate pair, on its own (JSON's "\\ud800").
_SURROGATE = re.compile("[\ud800-\udfff]")
_NON_FINITE = {math.inf: "Infinity", -math.inf: "-Infinity"}


def replace_surrogates(text: str) -> tuple[str, int]:
    """``text`` with each lone surrogate replaced by U+FFFD, and how many were replaced.

    One code point for one, so character offsets into the text stay as they were.
    """
    if _SURROGATE.search(text) is None:
        return text, 0
    return _SURROGATE.subn("\ufffd", text)


def json_safe(value: object, where: str, notes: list[str]) -> object:
    """``value`` (a parsed JSON value or a plain scalar) made storable as strict JSON in UTF-8.

    Lone surrogates in strings and keys become U+FFFD; NaN and infinite numbers (which JSON
    cannot write) become the strings ``"NaN"``, ``"Infinity"``, ``"-Infinity"``. Each change is
    described in ``notes``, naming the field by ``where``.
    """
    if isinstance(value, str):
        fixed, n = replace_surrogates(value)
        if n:
            notes.append(f"{n} lone surrogate code point{'s' if n > 1 else ''} in `{where}` replaced by U+FFFD")
        return fixed
    if isinstance(value, float) and not math.isfinite(value):
        name = "NaN" if math.isnan(value) else _NON_FINITE[value]
        notes.append(f"non-finite number in `{where}` written as the string {name!r}")
        return name
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            key, n = replace_surrogates(str(key))
            if n:
                notes.append(f"lone surrogate code points in the field name `{where}.{key}` replaced by U+FFFD")
            out[key] = json_safe(item, f"{where}.{key}", notes)
        return out
    if isinstance(value, (list, tuple)):
        return [json_safe(v, f"{where}[{i}]", notes) for i, v in enumerate(value)]
    return value


def declared_charset(html_head: bytes) -> str | None:
    """The charset an HTML page declares in a ``<meta>`` tag near its top, else None."""
    m = _META_CHARSET.search(html_head[:8192])
    return m.group(1).decode("ascii") if m else None


def cut_boilerplate(text: str) -> str:
    """The story without the page furniture after it.

    The story ends at the wire's sign-off line when there is one (kept), else before the first
    line that is a known section heading (IN DEPTH, Opinion, Related, Read more, ...), provided
    that heading comes after some text.
    """
    sign = SIGN_OFF.search(text)
    if sign:
        return text[: sign.end()].rstrip()
    offset = 0
    for line in text.splitlines(keepends=True):
        if offset > 200 and BOILERPLATE_HEADINGS.match(line):
            return text[:offset].rstrip()
        offset += len(line)
    return text


def sign_off(text: str) -> tuple[str | None, str | None]:
    """The wire's ``(source, ISO date)`` from a sign-off line in the text, else ``(None, None)``."""
    m = None
    for m in SIGN_OFF.finditer(text):
        pass
    if m is None:
        return None, None
    return m.group("source").strip(), normalize_date(m.group("date"))


_FORMATS = ("%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b %d %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d",
            "%m/%d/%Y", "%Y.%m.%d")
_DATEPARSER_SETTINGS = {"STRICT_PARSING": True, "REQUIRE_PARTS": ["day", "month", "year"],
                        "RETURN_AS_TIMEZONE_AWARE": False}


def _checked(y: int, m: int, d: int) -> str | None:
    try:
        return date(y, m, d).isoformat() if 1000 <= y <= 2999 else None
    except ValueError:
        return None


def normalize_date(value: object) -> str | None:
    """An ISO ``YYYY-MM-DD`` date from a metadata value, or None when it names no full date.

    Accepts ISO dates and timestamps (the date as written, no time-zone shift), ``YYYYMMDD``,
    written dates ("March 22, 2023", "Wed, 22 Mar 2023 10:00:00 GMT", "22 mars 2023"), Unix
    epoch seconds, and date/datetime objects. Relative phrases ("yesterday") give None.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, (int, float)) and not (19000101 <= value <= 29991231):
        try:
            return datetime.fromtimestamp(float(value), tz=timezone.utc).date().isoformat()
        except (OverflowError, OSError, ValueError):
            return None
    s = str(value).strip()
    if not s or len(s) > 80:
        return None
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:$|[T ]\d)", s) or re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
    if m:
        return _checked(int(m[1]), int(m[2]), int(m[3]))
    bare = re.sub(r"^[A-Za-z]+day,?\s+", "", s)  # "Wednesday, March 22, 2023"
    bare = re.sub(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.", r"\1", bare).replace("Sept ", "Sep ")
    for fmt in _FORMATS:
        try:
            return datetime.strptime(bare, fmt).date().isoformat()
        except ValueError:
            continue
    try:
        return parsedate_to_datetime(s).date().isoformat()  # RFC 2822, as in RSS feeds
    except (TypeError, ValueError, IndexError):
        pass
    if not re.search(r"(?<!\d)\d{4}(?!\d)", s):
        return None  # no year written: relative or partial, never a full date
    import dateparser  # slow to import; only odd formats reach it

    try:
        parsed = dateparser.parse(s, settings=_DATEPARSER_SETTINGS)
    except Exception:  # noqa: BLE001 - a parser failure means "not a date"
        return None
    return _checked(parsed.year, parsed.month, parsed.day) if parsed else None
