"""Incident-response records (SOC2_OPS_3): tabletop exercises and real incidents, with their
post-incident review and action items."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..datafiles import Document, load_data
from ..schemas import validate
from ..views.records import ActionItem, IncidentExercise

SCHEMA = "records-incidents.schema.json"


def load_incidents(path: str | Path) -> tuple[IncidentExercise, ...]:
    """Dates that contradict each other (a review before the event, an item closed before it
    was raised) are invalid input: the record was mistyped, and judging it would mislead."""
    doc = load_data(path)
    validate(doc, SCHEMA)
    out, seen = [], set()
    for i, raw in enumerate(doc.data["records"]):
        if raw["id"] in seen:
            raise doc.error(("records", i, "id"), f"record {raw['id']} is listed twice; IDs must be unique")
        seen.add(raw["id"])
        out.append(_record(doc, i, raw))
    return tuple(out)


def _record(doc: Document, i: int, raw: dict) -> IncidentExercise:
    day = dt.date.fromisoformat(raw["date"])
    review = raw.get("review")
    review_date = dt.date.fromisoformat(review["date"]) if review else None
    if review_date and review_date < day:
        raise doc.error(
            ("records", i, "review", "date"), f"review date {review_date} is before the {raw['kind']} on {day}"
        )
    items = []
    for j, item in enumerate(raw.get("action_items", [])):
        closed = dt.date.fromisoformat(item["closed"]) if item.get("closed") else None
        if closed and closed < day:
            raise doc.error(
                ("records", i, "action_items", j, "closed"), f"closed on {closed}, before the {raw['kind']} on {day}"
            )
        due = dt.date.fromisoformat(item["due"]) if item.get("due") else None
        items.append(ActionItem(item["title"], due, closed, item.get("owner")))
    return IncidentExercise(raw["id"], raw["kind"], day, review_date, tuple(items))
