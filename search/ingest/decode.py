"""Turn the bytes of a scraped page into text: UTF-8 (with or without BOM), UTF-16 with BOM,
CP949/EUC-KR, and files that mix UTF-8 and CP949 line by line. Binary files are refused."""

from __future__ import annotations

import codecs
import unicodedata
from dataclasses import dataclass


class Undecodable(ValueError):
    """The bytes are not text in any encoding we accept (the message says why)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # "utf-8", "utf-8-sig", "utf-16", "cp949", "mixed utf-8/cp949"
    notes: tuple[str, ...] = ()  # repairs made (NUL bytes dropped, bad bytes replaced)


_BINARY_MAGIC = (
    b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"%PDF", b"PK\x03\x04", b"\x7fELF", b"\x1f\x8b",
    b"BZh", b"7z\xbc\xaf", b"Rar!", b"\x00\x00\x01\x00", b"SQLite format 3",
)
_MAX_NUL_RATIO = 0.01  # more NUL bytes than this (outside UTF-16) means binary
_MAX_BAD_RATIO = 0.02  # more replaced characters than this means not text


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    bad = sum(
        1 for ch in text if unicodedata.category(ch) == "Cc" and ch not in "\n\r\t\f\v"
    )
    return bad / len(text)


def _decode_lines_mixed(data: bytes) -> tuple[str, int]:
    """Decode line by line (UTF-8, else CP949, else UTF-8 with replacement)."""
    out, replaced = [], 0
    for line in data.splitlines(keepends=True):
        for enc in ("utf-8", "cp949"):
            try:
                out.append(line.decode(enc))
                break
            except UnicodeDecodeError:
                continue
        else:
            text = line.decode("utf-8", errors="replace")
            replaced += text.count("\ufffd")
            out.append(text)
    return "".join(out), replaced


def decode_bytes(data: bytes) -> Decoded:
    """Decode ``data`` or raise :class:`Undecodable` with a reason a user can act on."""
    if not data:
        return Decoded("", "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return Decoded(data.decode("utf-16"), "utf-16")
        except UnicodeDecodeError as exc:
            raise Undecodable(f"broken UTF-16: {exc.reason}") from None
    if data.startswith(codecs.BOM_UTF8):
        data, bom = data[len(codecs.BOM_UTF8):], True
    else:
        bom = False
    for magic in _BINARY_MAGIC:
        if data.startswith(magic):
            raise Undecodable("binary file (not text)")
    notes: list[str] = []
    nuls = data.count(b"\x00")
    if nuls:
        if nuls / len(data) > _MAX_NUL_RATIO:
            raise Undecodable(f"binary file ({nuls} NUL bytes)")
        data = data.replace(b"\x00", b"")
        notes.append(f"dropped {nuls} NUL byte(s)")
    try:
        text, encoding = data.decode("utf-8"), "utf-8-sig" if bom else "utf-8"
    except UnicodeDecodeError:
        try:
            text, encoding = data.decode("cp949"), "cp949"
        except UnicodeDecodeError:
            text, replaced = _decode_lines_mixed(data)
            if replaced / max(len(text), 1) > _MAX_BAD_RATIO:
                raise Undecodable(
                    f"not text in UTF-8 or CP949/EUC-KR ({replaced} undecodable bytes)"
                ) from None
            encoding = "mixed utf-8/cp949"
            if replaced:
                notes.append(f"replaced {replaced} undecodable byte(s)")
    # Valid UTF-8 is text even with stray controls (they are dropped later); bytes that only
    # "decode" as CP949 and are full of controls are binary.
    if not encoding.startswith("utf-8") and _control_ratio(text) > 0.05:
        raise Undecodable("binary file (too many control characters)")
    return Decoded(text, encoding, tuple(notes))


_CONTROLS = {c: None for c in [*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0)]}


def strip_controls(text: str, keep: str = "") -> str:
    """``text`` without C0/C1 control characters (ESC, BEL, CSI ...), so it cannot drive a
    terminal; ``keep`` names the ones to leave (e.g. "\\n\\t" for a body)."""
    if not isinstance(text, str):
        text = str(text)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # lone surrogates (a file name that is not UTF-8): shown escaped
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    table = _CONTROLS if not keep else {c: None for c in _CONTROLS if chr(c) not in keep}
    return text.translate(table)
