"""CSV exports read with the physical lines of every row, so that an error and a result can
point at the row a person opens in a spreadsheet or an editor.

Exports from HR and ticket systems repeat a header for multi-valued fields (Jira writes one
``Labels`` and one ``Comment`` column per value), so columns are kept as a list and a field
can be read as one value or as all of its values.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..datafiles import Document, PathKey, read_text
from ..errors import InputError


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    lines: tuple[int, int]  # first and last physical line (a quoted cell may span lines)
    table: CsvTable = field(repr=False, compare=False)

    @property
    def line(self) -> int:
        return self.lines[0]

    def get(self, header: str | None) -> str:
        """The first non-blank value of the column(s) called ``header`` ('' when none)."""
        return next(iter(self.all(header)), "")

    def all(self, header: str | None) -> list[str]:
        if header is None:
            return []
        out = []
        for i in self.table.positions(header):
            value = self.cells[i].strip() if i < len(self.cells) else ""
            if value:
                out.append(value)
        return out


@dataclass
class CsvTable:
    path: Path
    header: tuple[str, ...]
    rows: list[Row] = field(default_factory=list)

    def positions(self, header: str) -> list[int]:
        wanted = _key(header)
        return [i for i, h in enumerate(self.header) if _key(h) == wanted]

    def has(self, header: str) -> bool:
        return bool(self.positions(header))

    def find(self, candidates: Iterable[str]) -> str | None:
        """The first candidate column name present (compared without case or extra spaces),
        spelled as the file spells it."""
        for name in candidates:
            pos = self.positions(name)
            if pos:
                return self.header[pos[0]]
        return None

    def error(self, message: str, row: Row | None = None, column: str | None = None) -> InputError:
        return InputError(
            self.path, message, line=row.line if row else 1, field=f"column {column!r}" if column else None
        )


def _key(header: str) -> str:
    return " ".join(header.split()).casefold()


def read_csv(path: str | Path) -> CsvTable:
    """Read a CSV export with a header row. Blank lines are skipped; a row with more cells
    than the header is invalid input (a stray delimiter shifts every later column)."""
    p = Path(path)
    text = read_text(p)
    shown = p
    if not text.strip():
        raise InputError(shown, "file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    table: CsvTable | None = None
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if table is None:
                header = tuple(c.strip() for c in cells)
                if not all(header):
                    blank = header.index("") + 1
                    raise InputError(shown, f"header cell {blank} is blank; every column needs a name", line=start)
                table = CsvTable(shown, header)
                continue
            extra = cells[len(table.header) :]
            if any(c.strip() for c in extra):
                raise InputError(
                    shown,
                    f"row has {len(cells)} cells but the header has {len(table.header)} columns (an unquoted comma?)",
                    line=start,
                )
            table.rows.append(Row(tuple(cells[: len(table.header)]), (start, last), table))
    except csv.Error as exc:
        raise InputError(shown, f"CSV syntax error: {exc}", line=reader.line_num) from None
    if table is None:
        raise InputError(shown, "file has no header row")
    return table


class RowsDocument(Document):
    """Rows of a CSV export normalised to a records document (``{kind: [row, ...]}``), so that
    the same JSON Schema validates CSV and YAML records. A schema error names the CSV row's
    line and the column as the file spells it, not the normalised field."""

    def __init__(self, table: CsvTable, kind: str, items: list[dict[str, Any]], rows: Sequence[Row], columns: dict):
        super().__init__(table.path, {kind: items}, {})
        self.table = table
        self.kind = kind
        self.rows = list(rows)
        self.columns = dict(columns)  # normalised field -> column header

    def error(self, key: PathKey, message: str) -> InputError:
        key = tuple(key)
        row = self.rows[key[1]] if len(key) > 1 and isinstance(key[1], int) and key[1] < len(self.rows) else None
        column = self.columns.get(key[2]) if len(key) > 2 else None
        for name, header in self.columns.items():
            message = message.replace(f"'{name}' is a required property", f"column {header!r} is empty")
        return self.table.error(message, row, column)


def span(doc: Document, key: PathKey) -> tuple[int, int] | None:
    """First and last line of an item of a YAML document (None for JSON, which has no lines)."""
    key = tuple(key)
    lines = [line for k, line in doc.lines.items() if k[: len(key)] == key]
    return (min(lines), max(lines)) if lines else None
