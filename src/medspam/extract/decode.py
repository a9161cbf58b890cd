r"""Decoding: page bytes to text, in a fixed order of evidence, saying what was done.

Order: byte-order mark; ``charset`` of the HTTP ``Content-Type``; ``<meta charset>`` or
``http-equiv`` in the first 2 KB; strict UTF-8; UTF-16 without a BOM (NUL-byte pattern);
detection with charset-normalizer on a sample; UTF-8 with replacement characters.

Examples
--------
>>> decode_bytes(b"\xef\xbb\xbfcaf\xc3\xa9").text
'café'
>>> decode_bytes("<meta charset=windows-1252>café".encode("cp1252")).notes
('decoded as cp1252 (meta charset)',)

"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

import charset_normalizer

__all__ = ["Decoded", "decode_bytes", "decode_text"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_CHARSET = re.compile(rb"<meta[^>]{0,500}?charset\s*=\s*[\"']?\s*([\w.:-]+)", re.IGNORECASE)
_META_WINDOW = 2048
_SAMPLE = 65_536
_NUL_SHARE = 0.2
_REGULAR_NULS = 0.9
_BINARY_SHARE = 0.1
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f\ufffd]")
_WHATWG_ALIASES = {"ascii": "cp1252", "latin-1": "cp1252", "iso8859-1": "cp1252"}


@dataclass(frozen=True, slots=True)
class Decoded:
    """Decoded page text and what decoding did."""

    text: str
    """The page as text."""
    notes: tuple[str, ...] = ()
    """What was done ("decoded as cp1252 (detected)", "looks binary")."""
    is_binary: bool = False
    """The bytes look like binary data rather than a page."""


def decode_bytes(data: bytes, content_type: str | None = None) -> Decoded:
    r"""Decode page bytes, trusting BOM, HTTP header, meta tag, UTF-8 and detection in turn.

    Parameters
    ----------
    data
        The page bytes.
    content_type
        The HTTP ``Content-Type`` header value, when known.

    Returns
    -------
    Decoded
        Text, notes, and whether the bytes look binary. Never raises.

    Examples
    --------
    >>> decode_bytes(b"caf\xe9", "text/html; charset=ISO-8859-1").notes
    ('decoded as cp1252 (HTTP header)',)

    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            text = data[len(bom) :].decode(encoding, errors="replace")
            return _finish(text, [f"decoded as {encoding} (byte-order mark)"])
    notes: list[str] = []
    for encoding, source in _declared(data, content_type):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            notes.append(f"declared {encoding} ({source}) does not fit the bytes")
            continue
        return _finish(text, [*notes, *_note_unless_utf8(encoding, source)])
    return _finish(*_undeclared(data, notes))


def _declared(data: bytes, content_type: str | None) -> list[tuple[str, str]]:
    """Return the encodings the HTTP header and meta tag declare, as (codec, source)."""
    found: list[tuple[str, str]] = []
    header = _HEADER_CHARSET.search(content_type or "")
    if header:
        found.append((header.group(1), "HTTP header"))
    meta = _META_CHARSET.search(data[:_META_WINDOW])
    if meta:
        found.append((meta.group(1).decode("ascii", "replace"), "meta charset"))
    out: list[tuple[str, str]] = []
    for label, source in found:
        encoding = _codec(label)
        if encoding.startswith(("utf-16", "utf-32")):
            encoding = "utf-8"  # an ASCII-compatible page cannot be UTF-16 (WHATWG)
        if encoding:
            out.append((encoding, source))
    return out


def _codec(label: str) -> str:
    """Python codec name of an encoding label (WHATWG aliases applied), or ``""``."""
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return ""
    return _WHATWG_ALIASES.get(name, name)


def _note_unless_utf8(encoding: str, source: str) -> list[str]:
    """Note a declared encoding other than UTF-8 (UTF-8 is the unremarkable case)."""
    return [] if encoding == "utf-8" else [f"decoded as {encoding} ({source})"]


def _undeclared(data: bytes, notes: list[str]) -> tuple[str, list[str]]:
    """Decode bytes without a usable declaration: UTF-16 guess, UTF-8, detection, fallback.

    ASCII text in UTF-16 is also valid UTF-8 (every other byte a NUL), so the NUL pattern is
    checked first; it must then be regular (nearly all NULs on one side of each byte pair).
    """
    sample = data[:_SAMPLE]
    regular = _utf16_by_nuls(sample, regular=True)
    if regular:
        return _decode_utf16(data, regular, notes)
    try:
        return data.decode("utf-8"), notes
    except UnicodeDecodeError:
        pass
    encoding = _utf16_by_nuls(sample, regular=False)
    if encoding:
        return _decode_utf16(data, encoding, notes)
    best = charset_normalizer.from_bytes(sample).best()
    if best is not None and best.encoding:
        encoding = _codec(best.encoding) or "utf-8"
        text = data.decode(encoding, errors="replace")
        return text, [*notes, f"decoded as {encoding} (detected)"]
    text = data.decode("utf-8", errors="replace")
    return text, [*notes, "decoded as utf-8 with replacement characters"]


def _utf16_by_nuls(sample: bytes, *, regular: bool) -> str:
    """``utf-16-le``/``-be`` when NUL bytes suggest UTF-16 without a BOM, else ``""``.

    With ``regular``, at least 90 % of the NULs must sit on one side of the byte pairs.
    """
    nuls = sample.count(0)
    if nuls <= _NUL_SHARE * len(sample):
        return ""
    odd_nuls, even_nuls = sample[1::2].count(0), sample[0::2].count(0)
    if regular and max(odd_nuls, even_nuls) < _REGULAR_NULS * nuls:
        return ""
    return "utf-16-le" if odd_nuls > even_nuls else "utf-16-be"


def _decode_utf16(data: bytes, encoding: str, notes: list[str]) -> tuple[str, list[str]]:
    """Decode UTF-16 found by its NUL pattern, noting it."""
    text = data.decode(encoding, errors="replace")
    return text, [*notes, f"decoded as {encoding} (no byte-order mark; NUL pattern)"]


def decode_text(text: str) -> Decoded:
    r"""Wrap text that arrived already decoded, flagging it when it looks binary.

    Examples
    --------
    >>> decode_text("\x00\x01\x02abc").notes
    ('looks binary',)

    """
    return _finish(text, [])


def _finish(text: str, notes: list[str]) -> Decoded:
    """Flag text that looks binary (many control or replacement characters)."""
    sample = text[:_SAMPLE]
    is_binary = bool(sample) and len(_CONTROL.findall(sample)) > _BINARY_SHARE * len(sample)
    if is_binary:
        notes = [*notes, "looks binary"]
    return Decoded(text, tuple(notes), is_binary)
