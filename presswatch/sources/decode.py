"""Bytes to text: BOMs, strict UTF-8, declared charsets, then detection; never raises on bytes."""

from __future__ import annotations

import codecs
import logging
import re

logger = logging.getLogger(__name__)

BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts with UTF-16 LE's
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
SNIFF_BYTES = 4096  # declared charsets sit in the first few KB of a page
CONTROL_SHARE_MAX = 0.01  # text has almost no C0 control bytes; binaries have ~11%
CONTROL_BYTES = frozenset(range(32)) - {9, 10, 12, 13, 27}
DECLARED_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-zA-Z0-9_.:-]+)""",
    re.I,
)
UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


class DecodeError(ValueError):
    """The bytes are not text; `reason` is the quarantine code."""

    def __init__(self, reason: str, detail: str):
        super().__init__(detail)
        self.reason = reason


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Return (text, encoding) or raise DecodeError with a reason code."""
    for bom, encoding in BOMS:
        if data.startswith(bom):
            return _decode_strict(data, encoding), encoding
    _reject_binary(data)
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        utf8_error = exc
    if UTF8_MULTIBYTE.search(data):
        # Valid UTF-8 sequences beside invalid bytes: a damaged UTF-8 file, not a legacy charset.
        raise DecodeError(
            "invalid_utf8",
            f"invalid UTF-8 at byte {utf8_error.start} ({utf8_error.reason}) in a file that is "
            "otherwise UTF-8; re-export it as UTF-8",
        )
    declared = _declared_charset(data[:SNIFF_BYTES])
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            logger.debug("declared charset %s does not fit the bytes", declared)
    return _detect(data)


def _decode_strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise DecodeError(
            "invalid_encoding", f"{encoding} BOM but invalid {encoding}: {exc}"
        ) from None


def _reject_binary(data: bytes) -> None:
    sample = data[: SNIFF_BYTES * 4]
    if b"\x00" in sample:
        raise DecodeError(
            "binary_content", "NUL bytes without a UTF-16/32 byte-order mark: not text"
        )
    controls = sum(1 for b in sample if b in CONTROL_BYTES)
    if controls > CONTROL_SHARE_MAX * len(sample):
        raise DecodeError("binary_content", f"{controls} control bytes in {len(sample)}: not text")


def _declared_charset(head: bytes) -> str | None:
    match = DECLARED_CHARSET.search(head)
    if not match:
        return None
    name = (match.group(1) or match.group(2)).decode("ascii").lower()
    try:
        name = codecs.lookup(name).name
    except LookupError:
        return None
    # Pages that declare latin-1 are in practice cp1252 (the WHATWG encoding standard's rule).
    return "cp1252" if name in ("iso8859-1", "latin-1", "ascii") else name


def _detect(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise DecodeError("undecodable", "no text encoding fits these bytes")
    return str(best), best.encoding
