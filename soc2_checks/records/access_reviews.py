"""Access-review records (SOC2_OPS_4): one entry per documented review of AWS access."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import load_data
from ..schemas import validate
from ..views.records import AccessReview
from .csvtable import span

SCHEMA = "records-access-reviews.schema.json"


@dataclass(frozen=True)
class AccessReviews:
    reviews: tuple[AccessReview, ...]
    lines: dict[str, tuple[int, int]]  # review id -> lines in the file


def load_access_reviews(path: str | Path) -> AccessReviews:
    doc = load_data(path)
    validate(doc, SCHEMA)
    reviews, lines = [], {}
    for i, raw in enumerate(doc.data["reviews"]):
        if raw["id"] in lines:
            raise doc.error(("reviews", i, "id"), f"review {raw['id']} is listed twice; IDs must be unique")
        reviews.append(_review(raw))
        found = span(doc, ("reviews", i))
        lines[raw["id"]] = found or (1, 1)
    return AccessReviews(tuple(reviews), lines)


def _review(raw: dict) -> AccessReview:
    reviewer = raw.get("reviewer")
    if reviewer and raw.get("reviewer_role"):
        reviewer = f"{reviewer} ({raw['reviewer_role']})"
    return AccessReview(
        id=raw["id"],
        date=dt.date.fromisoformat(raw["date"]),
        reviewer=reviewer,
        changes=raw.get("changes"),
        scope=raw.get("scope"),
    )
