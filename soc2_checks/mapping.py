"""The mapping layer: criteria catalog plus check -> criteria, merged from data files.

Order: the shipped ``criteria.yaml`` and ``checks.yaml``, then every plugin's mapping files,
then each ``--mapping FILE`` in the order given. A later entry for a check replaces its list.
A file that names an unknown check or criterion is invalid input: a typo must not silently
leave a check unmapped in the auditor's report.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .datafiles import Document, load_data
from .errors import InputError
from .schemas import mappings_dir, validate

SCHEMA = "mapping.schema.json"


@dataclass
class Mapping:
    criteria: dict[str, str] = field(default_factory=dict)
    checks: dict[str, list[str]] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # check ID -> file that mapped it last

    def criteria_for(self, check_id: str) -> list[str]:
        return list(self.checks.get(check_id, ()))

    def title(self, criterion: str) -> str:
        return self.criteria.get(criterion, "")

    def merge(self, doc: Document, known_checks: Iterable[str]) -> None:
        validate(doc, SCHEMA)
        data = doc.data
        for cid, title in (data.get("criteria") or {}).items():
            self.criteria[cid] = title
        known = set(known_checks)
        for check_id, criteria in (data.get("checks") or {}).items():
            if check_id not in known:
                raise doc.error(("checks", check_id), f"unknown check {check_id} (not registered by any plugin)")
            for i, c in enumerate(criteria):
                if c not in self.criteria:
                    raise doc.error(("checks", check_id, i), f"unknown criterion {c}")
            self.checks[check_id] = list(criteria)
            self.sources[check_id] = str(doc.path)


def load_mapping(
    known_checks: Iterable[str],
    plugin_files: Iterable[tuple[str, Path]] = (),
    user_files: Iterable[str | Path] = (),
) -> Mapping:
    known = list(known_checks)
    m = Mapping()
    base = mappings_dir()
    m.merge(load_data(base / "criteria.yaml"), known)
    m.merge(load_data(base / "checks.yaml"), known)
    for plugin, f in plugin_files:
        try:
            m.merge(load_data(f), known)
        except InputError as exc:
            raise InputError(
                exc.file, f"{exc.message} (mapping file of plugin {plugin!r})", line=exc.line, field=exc.field
            ) from None
    for f in user_files:
        m.merge(load_data(f), known)
    return m


def unmapped(m: Mapping, check_ids: Iterable[str]) -> list[str]:
    return [c for c in check_ids if not m.checks.get(c)]
