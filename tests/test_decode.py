"""Robust decoding of scraped pages."""

from __future__ import annotations

import codecs

import pytest

from briefing.search.ingest.decode import Undecodable, decode_bytes

KOREAN = "삼성전자가 일본 요코하마에 연구센터를 열었다.\n소프트뱅크와 협력한다.\n"


@pytest.mark.parametrize(
    "data, encoding",
    [
        (KOREAN.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + KOREAN.encode("utf-8"), "utf-8-sig"),
        (KOREAN.encode("cp949"), "cp949"),
        (KOREAN.encode("euc-kr"), "cp949"),
        (KOREAN.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(data, encoding):
    decoded = decode_bytes(data)
    assert decoded.text == KOREAN
    assert decoded.encoding == encoding


def test_cp949_only_characters():
    text = "똠방각하 펲시콜라\n"  # characters outside EUC-KR's 2,350 but in CP949
    assert decode_bytes(text.encode("cp949")).text == text


def test_mixed_utf8_and_cp949_lines():
    data = "첫 줄은 UTF-8이다.\n".encode("utf-8") + "둘째 줄은 CP949다.\n".encode("cp949")
    decoded = decode_bytes(data)
    assert decoded.text == "첫 줄은 UTF-8이다.\n둘째 줄은 CP949다.\n"
    assert decoded.encoding.startswith("mixed")


def test_empty_is_empty_text():
    assert decode_bytes(b"").text == ""


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        b"%PDF-1.7\n" + bytes(200),
        bytes(range(256)) * 16,
        b"\x00" * 500 + "본문".encode(),
    ],
)
def test_binary_is_refused_with_a_reason(data):
    with pytest.raises(Undecodable) as exc:
        decode_bytes(data)
    assert str(exc.value)


def test_a_few_nul_bytes_are_dropped_and_noted():
    data = ("본문이다. " * 50).encode() + b"\x00" + "끝.".encode()
    decoded = decode_bytes(data)
    assert "\x00" not in decoded.text and decoded.text.endswith("끝.")
    assert any("NUL" in note for note in decoded.notes)
