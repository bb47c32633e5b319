"""Cell-width fitting of Korean text: rows never exceed their column, never split a wide char."""

from __future__ import annotations

from datetime import date

from hypothesis import given, strategies as st
from rich.cells import cell_len

from briefing.search.engine import Hit
from briefing.tui.cells import ELLIPSIS, fit
from briefing.tui.widgets.article_list import DATE_WIDTH, FLAG_WIDTH, PUBLISHER_WIDTH, format_row

KOREAN_TITLES = [
    "日 출장 떠난 이재용 삼성전자 회장…'AI·반도체' 등 협력 확대 주목",
    "삼성 찾은 손정의 “이재용 회장과 스타게이트 논의하러 왔다”",
    "[딥테크] 라피더스 2나노 시제품 공개…일본 반도체 부활의 신호탄",
    "SK, ADT캡스 매각 추진",
]

TEXT = st.text(
    alphabet=st.sampled_from(list("가나다라마바사아자차카타파하abcXYZ 0123…日本語·“”")),
    max_size=60,
)


@given(TEXT, st.integers(min_value=0, max_value=50))
def test_fit_is_exactly_the_width_and_keeps_a_prefix(text: str, width: int) -> None:
    out = fit(text, width)
    assert cell_len(out) == width
    core = out.rstrip(" ")
    if core.endswith(ELLIPSIS) and cell_len(" ".join(text.split())) > width:
        core = core[: -len(ELLIPSIS)]
    assert " ".join(text.split()).startswith(core.rstrip())


def test_fit_never_splits_a_double_width_character() -> None:
    # "소프트" is 6 cells: at width 4 only one syllable fits before the ellipsis
    assert fit("소프트", 4) == "소… "
    assert fit("소프트", 6) == "소프트"
    assert fit("소프트뱅크", 5) == "소프…"


def test_fit_without_padding_is_at_most_the_width() -> None:
    assert fit("짧은", 10, pad=False) == "짧은"
    assert cell_len(fit("아주 긴 제목입니다 정말로", 7, pad=False)) <= 7


def test_list_rows_fit_their_width_with_korean_titles() -> None:
    hits = [
        Hit(f"id{i}", title, "매일경제신문사", date(2025, 4, 2) if i % 2 else None, 0.9)
        for i, title in enumerate(KOREAN_TITLES)
    ]
    for width in range(30, 90):
        for hit in hits:
            row = format_row(hit, width, marked=bool(hit.published)).plain
            assert cell_len(row) == width, (width, row)
            title_part = _after_cells(row, FLAG_WIDTH + DATE_WIDTH + 1 + PUBLISHER_WIDTH + 1)
            shown = title_part.rstrip(" ").removesuffix(ELLIPSIS).rstrip(" ")
            assert hit.title.startswith(shown), (width, row)


def _after_cells(row: str, cells: int) -> str:
    """The text after the first ``cells`` cells; fails if a character straddles that boundary."""
    used = 0
    for i, char in enumerate(row):
        if used == cells:
            return row[i:]
        used += cell_len(char)
        assert used <= cells, f"a double-width character straddles a column boundary in {row!r}"
    return ""


def test_unknown_dates_are_shown_as_such() -> None:
    hit = Hit("x", "제목", None, None, 0.0)
    row = format_row(hit, 60, marked=False).plain
    assert "unknown date" in row
