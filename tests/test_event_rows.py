"""A timeline event is one typed value (model.Event) that converts itself to the store's row
and back: the row is the JSON the store kept before (ISO dates, a sort key, no article id)."""

from __future__ import annotations

import json
from datetime import date

from briefing.search.model import Event
from briefing.search.timeline.events import fill_months, month_counts


def _event(**changes) -> Event:
    values = dict(article_id="a1", value="2025-02", precision="month", date_from=date(2025, 2, 1),
                  date_to=date(2025, 2, 28), expr="2월", qualifier=None, text="2월 공장을 세웠다.", start=10,
                  end=21, entities=["삼성전자"], expr_start=10, expr_end=12, relative=False)
    values.update(changes)
    return Event(**values)


def test_an_event_row_reads_back_as_the_same_event():
    event = _event()
    row = json.loads(json.dumps(event.to_row()))  # through the store's JSON
    assert "article_id" not in row and row["sort_key"] == "2025-02-01" and row["date_to"] == "2025-02-28"
    assert Event.from_row({**row, "article_id": "a1"}) == event
    row["entities"].append("x")
    assert event.entities == ["삼성전자"]  # the row is a copy


def test_an_unresolved_event_sorts_last_and_keeps_its_missing_offsets():
    event = _event(value=None, precision="unknown", date_from=None, date_to=None, expr_start=-1, expr_end=-1)
    assert event.to_row()["sort_key"] == "9999"
    moved = event.moved(100)
    assert (moved.start, moved.end, moved.expr_start, moved.expr_end) == (110, 121, -1, -1)
    assert Event.from_row({**event.to_row(), "article_id": "a1"}) == event


def test_months_are_filled_in_one_place():
    assert fill_months([("2024-11", 1), ("2025-02", 2)]) == [("2024-11", 1), ("2024-12", 0), ("2025-01", 0),
                                                            ("2025-02", 2)]
    assert fill_months([]) == []
    dates = [date(2024, 12, 3), date(2025, 2, 1)]
    assert month_counts(dates) == fill_months(month_counts(dates, fill=False))
