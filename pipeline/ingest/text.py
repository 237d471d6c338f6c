"""Text hygiene for inputs: decoding bytes, cutting page boilerplate, finding the publication line."""
from __future__ import annotations

import codecs
import re
from datetime import date, datetime

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


class UndecodableInput(ValueError):
    """The bytes are not text in any encoding we accept."""


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode input bytes: BOM first, then UTF-8, then Windows-1252 for legacy Latin text.

    Raises ``UndecodableInput`` for binary data (NUL bytes or many control characters).
    Returns the text and the encoding used.
    """
    for bom, encoding in _BOM_ENCODINGS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise UndecodableInput(f"invalid {encoding} after its byte-order mark at byte {exc.start}") from None
    if b"\x00" in data[:65536]:
        raise UndecodableInput("binary content (NUL bytes), not text")
    try:
        text, encoding = data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = data.decode("cp1252", errors="replace"), "cp1252"
    sample = text[:65536]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\n\r\t\f")
    if sample and controls / len(sample) > 0.05:
        raise UndecodableInput("binary content (control characters), not text")
    return text, encoding


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


_FORMATS = ("%B %d, %Y", "%B %d %Y", "%b %d, %Y", "%b. %d, %Y", "%d %B %Y", "%Y/%m/%d", "%m/%d/%Y")


def normalize_date(value: object) -> str | None:
    """An ISO ``YYYY-MM-DD`` date from a metadata value (ISO date or timestamp, or a written date)."""
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.strftime("%Y-%m-%d")
    s = str(value).strip()
    if not s:
        return None
    m = re.match(r"^(\d{4})-(\d{2})-(\d{2})", s)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    m = re.match(r"^(\d{4})(\d{2})(\d{2})$", s)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])).isoformat()
        except ValueError:
            return None
    for fmt in _FORMATS:
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    return None
