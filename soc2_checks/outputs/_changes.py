"""The "since the previous scan" summary (``--compare-to``) as the terminal and the PR comment
both say it: one headline of counts, then the findings that changed, bounded in number."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SHOWN = (
    ("new", "new"),
    ("resolved", "resolved"),
    ("not_rechecked", "not re-checked"),
)
"""Listed one by one: what needs action, what was fixed, what this scan could not confirm.
Still-failing and newly exempted findings are counted only; the results list them."""

MAX_PER_LIST = 10


def headline(comparison: Mapping[str, Any]) -> str:
    c = comparison["counts"]
    prev = comparison["previous"]
    parts = [f"{c['new']} new", f"{c['resolved']} resolved", f"{c['still_failing']} still failing"]
    if c["exempted"]:
        parts.append(f"{c['exempted']} newly exempted")
    if c["not_rechecked"]:
        parts.append(f"{c['not_rechecked']} not re-checked")
    return f"Since the previous scan ({prev['finished_at']}, {prev['file']}): {', '.join(parts)}"


def item_text(item: Mapping[str, Any]) -> str:
    where = "/".join(p for p in (item.get("account"), item.get("region")) if p)
    text = f"{item['check_id']} {item['resource_id']}" + (
        f" ({where})" if where and where != item["resource_id"] else ""
    )
    if item.get("reason"):
        text += f": {item['reason']}"
    return text


def listed(comparison: Mapping[str, Any]) -> list[tuple[str, list[str], int]]:
    """(label, item texts shown, how many more) for each list worth naming."""
    out = []
    for key, label in SHOWN:
        items = comparison.get(key) or []
        if items:
            out.append((label, [item_text(i) for i in items[:MAX_PER_LIST]], max(0, len(items) - MAX_PER_LIST)))
    return out
