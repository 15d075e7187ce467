"""Ticket exports: Jira's CSV export, Jira's search JSON, or soc2-checks' own ticket list.

A ticket documents a GuardDuty finding when it names the finding's ID: in a "GuardDuty Finding
ID" field, or anywhere in its summary, description or comments (a bare 32-character ID or the
finding's ARN). What the investigation found and what was done are read from fields named for
them, or from labelled sections of the description and comments (``Findings:``,
``h3. Action taken``, ``*Root cause:*``), which is how ticket templates usually record them.
The investigator is the ticket's Investigator field, an ``Investigated by:`` line, or else its
assignee.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ..datafiles import Document, load_data
from ..errors import InputError
from ..schemas import validate
from ..views.records import Ticket
from .csvtable import CsvTable, Row, RowsDocument, read_csv
from .values import parse_datetime, split_list

SCHEMA = "records-tickets.schema.json"
JIRA_SCHEMA = "records-tickets-jira.schema.json"

KEY_COLUMNS = ("Issue key", "Key", "Issue Key", "Ticket", "Ticket ID", "Number")
PLAIN_COLUMNS: dict[str, tuple[str, ...]] = {
    "summary": ("Summary", "Title", "Short description"),
    "description": ("Description",),
    "assignee": ("Assignee", "Assigned to"),
    "status": ("Status", "State"),
    "created": ("Created", "Created at", "Opened"),
    "resolved": ("Resolved", "Resolved at", "Closed"),
}
CUSTOM_FIELDS: dict[str, tuple[str, ...]] = {
    "finding_ids": ("GuardDuty Finding ID", "GuardDuty Finding IDs", "GuardDuty Finding", "Finding ID", "Finding IDs"),
    "investigator": ("Investigator", "Investigated by"),
    "findings": ("Investigation Findings", "Findings", "What was found", "Root Cause"),
    "action": ("Action Taken", "Actions Taken", "Remediation", "Resolution Details"),
}
"""Fields a ticket scheme adds for security investigations; Jira's CSV calls them
``Custom field (<name>)`` and its JSON ``customfield_NNNNN`` (named in ``names``)."""

FINDING_ARN = re.compile(r"arn:aws[\w-]*:guardduty:[\w-]*:\d{12}:detector/[0-9a-f]+/finding/([0-9a-f]+)", re.I)
ARN = re.compile(r"arn:\S+")
FINDING_ID = re.compile(r"(?<![0-9a-z])[0-9a-f]{32}(?![0-9a-z])", re.I)
"""GuardDuty finding IDs are 32 hexadecimal characters."""

HEADINGS = {
    "findings": ("investigation findings", "what was found", "what we found", "findings", "root cause", "analysis"),
    "action": ("actions taken", "action taken", "remediation", "response", "resolution", "actions", "action"),
    "investigator": ("investigated by", "investigator"),
}
_ALL_HEADS = sorted((h for heads in HEADINGS.values() for h in heads), key=len, reverse=True)
SECTION = re.compile(
    r"^\s*(?:h[1-6]\.\s*|#{1,6}\s*)?[*_]{0,2}(?P<head>"
    + "|".join(re.escape(h) for h in _ALL_HEADS)
    + r")[*_]{0,2}\s*(?::[*_]{0,2}\s*(?P<rest>.*)|[*_]{0,2}\s*)$",
    re.I,
)
OTHER_HEADING = re.compile(r"^\s*(?:h[1-6]\.\s|#{1,6}\s)")


def load_tickets(path: str | Path) -> list[Ticket]:
    p = Path(path)
    if p.suffix.lower() == ".csv":
        return _from_csv(read_csv(p))
    doc = load_data(p)
    if isinstance(doc.data, dict) and "issues" in doc.data:
        return _from_jira_json(doc)
    validate(doc, SCHEMA)
    return _unique(
        doc, ("tickets",), [_ticket(doc, ("tickets", i), item) for i, item in enumerate(doc.data["tickets"])]
    )


def merge(sources: Iterable[tuple[Path, list[Ticket]]]) -> tuple[Ticket, ...]:
    """Tickets of several exports; one key in two exports is invalid input, since the two
    copies could disagree about the investigation."""
    seen: dict[str, Path] = {}
    out: list[Ticket] = []
    for path, tickets in sources:
        for t in tickets:
            first = seen.setdefault(t.key.casefold(), path)
            if first != path:
                raise InputError(path, f"ticket {t.key} is also in {first}; keep one copy of each ticket")
            out.append(t)
    return tuple(out)


def _unique(doc: Document, where: tuple, tickets: list[Ticket]) -> list[Ticket]:
    seen: dict[str, int] = {}
    for i, t in enumerate(tickets):
        first = seen.setdefault(t.key.casefold(), i)
        if first != i:
            raise doc.error((*where, i, "key"), f"ticket {t.key} is listed twice; keep one copy of each ticket")
    return tickets


# -- Jira CSV ----------------------------------------------------------------------------------


def _from_csv(table: CsvTable) -> list[Ticket]:
    key_column = table.find(KEY_COLUMNS)
    if key_column is None:
        raise table.error(f"no ticket key column (looked for {', '.join(repr(c) for c in KEY_COLUMNS)})")
    columns = {"key": key_column}
    for name, candidates in PLAIN_COLUMNS.items():
        found = table.find(candidates)
        if found:
            columns[name] = found
    for name, names in CUSTOM_FIELDS.items():
        found = table.find([f"Custom field ({n})" for n in names] + list(names))
        if found:
            columns[name] = found
    items = [_csv_item(row, columns) for row in table.rows]
    doc = RowsDocument(table, "tickets", items, table.rows, columns)
    validate(doc, SCHEMA)
    return _unique(doc, ("tickets",), [_ticket(doc, ("tickets", i), item) for i, item in enumerate(items)])


def _csv_item(row: Row, columns: dict[str, str]) -> dict[str, Any]:
    item: dict[str, Any] = {}
    for name in ("key", "summary", "description", "assignee", "status", "created", "resolved", "investigator"):
        value = row.get(columns.get(name))
        if value:
            item[name] = value
    for name in ("findings", "action"):
        values = row.all(columns.get(name))
        if values:
            item[name] = "\n".join(values)
    labels = [label for cell in row.all("Labels") for label in split_list(cell)]
    if labels:
        item["labels"] = labels
    ids = [i for cell in row.all(columns.get("finding_ids")) for i in split_list(cell)]
    if ids:
        item["finding_ids"] = ids
    comments = [_jira_comment(c) for c in row.all("Comment")]
    if comments:
        item["comments"] = comments
    return item


def _jira_comment(cell: str) -> str:
    """Jira's CSV writes a comment as ``<date>;<author account ID>;<text>``."""
    parts = cell.split(";", 2)
    if len(parts) == 3:
        try:
            parse_datetime(parts[0])
            return parts[2].strip()
        except ValueError:
            pass
    return cell.strip()


# -- Jira search JSON --------------------------------------------------------------------------


def _from_jira_json(doc: Document) -> list[Ticket]:
    validate(doc, JIRA_SCHEMA)
    names = {k: v.casefold() for k, v in (doc.data.get("names") or {}).items()}
    custom = {alias.casefold(): name for name, aliases in CUSTOM_FIELDS.items() for alias in aliases}
    out = []
    for i, issue in enumerate(doc.data["issues"]):
        fields = issue["fields"]
        item: dict[str, Any] = {"key": issue["key"]}
        for name, source in (("summary", "summary"), ("created", "created"), ("resolved", "resolutiondate")):
            if fields.get(source):
                item[name] = fields[source]
        description = _text(fields.get("description"))
        if description:
            item["description"] = description
        for name, source in (("assignee", "assignee"), ("status", "status")):
            value = fields.get(source)
            if isinstance(value, dict):
                shown = value.get("displayName") or value.get("name")
                if shown:
                    item[name] = shown
        if fields.get("labels"):
            item["labels"] = list(fields["labels"])
        comments = [_text(c.get("body")) for c in ((fields.get("comment") or {}).get("comments") or [])]
        if any(comments):
            item["comments"] = [c for c in comments if c]
        for field_id, value in fields.items():
            name = custom.get(names.get(field_id, field_id.casefold()))
            text = _text(value)
            if name is None or not text:
                continue
            if name == "finding_ids":
                item.setdefault("finding_ids", []).extend(split_list(text))
            else:
                item[name] = text
        out.append(_ticket(doc, ("issues", i, "fields"), item))
    return _unique(doc, ("issues",), out)


def _text(value: Any) -> str:
    """Plain text of a Jira field: a string, a list, a select option ``{"value": ...}``, a
    user ``{"displayName": ...}`` or an Atlassian Document Format tree (API v3)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, list):
        return "\n".join(t for t in (_text(v) for v in value) if t)
    if isinstance(value, dict):
        if value.get("type") == "doc" or "content" in value:
            return _adf(value).strip()
        for k in ("value", "displayName", "name"):
            if isinstance(value.get(k), str):
                return value[k].strip()
    return ""


def _adf(node: Any) -> str:
    if isinstance(node, list):
        return "".join(_adf(n) for n in node)
    if not isinstance(node, dict):
        return ""
    if node.get("type") == "text":
        return node.get("text", "")
    if node.get("type") == "hardBreak":
        return "\n"
    inner = _adf(node.get("content", []))
    return inner + "\n" if node.get("type") in ("paragraph", "heading", "listItem") else inner


# -- one ticket ------------------------------------------------------------------------------


def _ticket(doc: Document, where: tuple, item: dict[str, Any]) -> Ticket:
    created = None
    if item.get("created"):
        try:
            created = parse_datetime(item["created"])
        except ValueError as exc:
            raise doc.error((*where, "created"), str(exc)) from None
    texts = [item.get("description") or "", *item.get("comments", [])]
    found = sections(texts)
    ids = [_finding_id(i) for i in item.get("finding_ids", [])]
    for text in [item.get("summary") or "", *texts]:
        ids += [m.group(1) for m in FINDING_ARN.finditer(text)]
        ids += FINDING_ID.findall(ARN.sub(" ", text))  # a detector ID inside an ARN is not a finding
    return Ticket(
        key=item["key"],
        finding_ids=tuple(dict.fromkeys(i.lower() for i in ids)),
        created=created,
        investigator=_first(item.get("investigator"), found.get("investigator"), item.get("assignee")),
        findings_text=_first(item.get("findings"), found.get("findings")),
        action_text=_first(item.get("action"), found.get("action")),
        status=item.get("status"),
    )


def _finding_id(text: str) -> str:
    m = FINDING_ARN.search(text)
    return m.group(1) if m else text


def _first(*values: str | None) -> str | None:
    return next((v.strip() for v in values if v and v.strip()), None)


def sections(texts: Iterable[str]) -> dict[str, str]:
    """Labelled sections of free text: the text after a known heading up to the next
    heading, per kind (findings, action, investigator), several sections joined."""
    out: dict[str, list[str]] = {}
    for text in texts:
        current: list[str] | None = None
        for line in text.splitlines():
            m = SECTION.match(line)
            if m:
                kind = next(k for k, heads in HEADINGS.items() if m.group("head").casefold() in heads)
                current = out.setdefault(kind, [])
                if m.group("rest"):
                    current.append(m.group("rest").strip(" *_"))
            elif OTHER_HEADING.match(line):
                current = None
            elif current is not None and line.strip():
                current.append(line.strip())
    return {k: "\n".join(v) for k, v in out.items() if "".join(v).strip()}
