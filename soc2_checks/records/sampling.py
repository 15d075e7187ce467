"""Drawing an audit sample the way an auditor does, reproducibly.

The algorithm, so that anyone can redraw the same sample:

1. Read the population CSV (header row, then one item per row; blank rows are skipped).
2. Put the rows in canonical order: sorted by the ``--key`` columns (by default every column,
   left to right), each cell with surrounding whitespace removed, comparing text by Unicode
   code points; ties are broken by the whole row. The order of the file therefore does not
   matter: a re-export of the same population gives the same sample.
3. Seed Python's ``random.Random`` (Mersenne Twister) with the seed: as an integer when it is
   one (``2026``), otherwise as text (Python hashes a text seed with SHA-512).
4. ``Random(seed).sample(range(N), n)`` picks ``n`` row positions out of the ``N`` rows; when
   ``n >= N`` the whole population is the sample.
5. The sample is listed in canonical order.

The default sizes follow common audit practice for a control's frequency: annual 1, quarterly
2, monthly 2, weekly 5, daily 25, several times a day 40.
"""

from __future__ import annotations

import hashlib
import random
import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError
from .csvtable import CsvTable, Row, read_csv

FREQUENCY_SIZES = {"annual": 1, "quarterly": 2, "monthly": 2, "weekly": 5, "daily": 25, "multiple-daily": 40}
INTEGER = re.compile(r"^[+-]?\d+$")


@dataclass(frozen=True)
class Sample:
    table: CsvTable
    rows: tuple[Row, ...]
    requested: int
    seed: str
    key: tuple[str, ...]
    sha256: str

    @property
    def population(self) -> int:
        return len(self.table.rows)


def seed_value(seed: str) -> int | str:
    return int(seed) if INTEGER.match(seed.strip()) else seed


def canonical(table: CsvTable, key: tuple[str, ...]) -> list[Row]:
    positions = [table.positions(k)[0] for k in key] if key else list(range(len(table.header)))

    def cells(row: Row, where: list[int]) -> tuple[str, ...]:
        return tuple(row.cells[i].strip() if i < len(row.cells) else "" for i in where)

    everything = list(range(len(table.header)))
    return sorted(table.rows, key=lambda r: (cells(r, positions), cells(r, everything)))


def draw(path: str | Path, size: int, seed: str, key: tuple[str, ...] = ()) -> Sample:
    table = read_csv(path)
    if not table.rows:
        raise InputError(path, "the population has no rows")
    for k in key:
        if not table.has(k):
            raise InputError(path, f"--key column {k!r} is not in the header ({', '.join(table.header)})", line=1)
    if size < 1:
        raise InputError(path, f"sample size {size} is not a positive number")
    ordered = canonical(table, key)
    if size >= len(ordered):
        chosen = list(range(len(ordered)))
    else:
        chosen = sorted(random.Random(seed_value(seed)).sample(range(len(ordered)), size))
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return Sample(table, tuple(ordered[i] for i in chosen), size, seed, key, digest)
