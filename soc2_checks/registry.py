"""Check definitions and the registry that holds them.

A check is metadata plus one decision function over one or more view types. The registry is
filled through the pluggy hook ``soc2_checks_register_checks`` (see :mod:`hookspecs`): the
built-in checks and a third-party package's checks arrive the same way.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .model import Severity, Source, Verdict

CHECK_ID_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*_[0-9]+$")
"""Check IDs look like SOC2_AWS_11 or ACME_S3_1: Checkov's suppression syntax accepts them,
fnmatch filters (``SOC2_*``) select them, and they never collide with Checkov's CKV_ IDs."""

Rule = Callable[[Any, "RuleContext"], Verdict | None]


@dataclass(frozen=True)
class RuleContext:
    """Scan-wide facts and thresholds a rule may need. Rules never read clocks or globals,
    so the same view gives the same verdict in every scan kind and in tests."""

    as_of: Any = None  # datetime.date: the exemption and "today" reference
    period_start: Any = None  # datetime.date or None
    period_end: Any = None  # datetime.date: access-key age is counted to this day
    settings: dict[str, Any] = field(default_factory=dict)

    def setting(self, name: str, default: Any) -> Any:
        return self.settings.get(name, default)


@dataclass(frozen=True)
class CheckDef:
    id: str
    title: str
    severity: Severity
    remediation: str
    sources: frozenset[Source]
    views: tuple[type, ...]
    rule: Rule
    baseline: bool = False
    """True when part of the rule asks that something exists (the catalog's ⓑ rows)."""
    description: str = ""
    plugin: str = ""
    """Name of the plugin that registered the check, filled in by the registry."""
    view_sources: tuple[tuple[type, frozenset[Source]], ...] = ()
    """View types judged only for some sources: e.g. SOC2_AWS_8 judges each trail in IaC but
    gives one account-level result live, where per-region shadow trails are expected."""

    def applies_to(self, view: object, source: Source | None = None) -> bool:
        if not isinstance(view, self.views):
            return False
        if source is not None:
            for vtype, sources in self.view_sources:
                if isinstance(view, vtype) and source not in sources:
                    return False
        return True

    def __call__(self, view: Any, ctx: RuleContext) -> Verdict | None:
        return self.rule(view, ctx)


def check(
    id: str,
    *,
    title: str,
    severity: str | Severity,
    sources: Iterable[str | Source],
    views: type | tuple[type, ...],
    remediation: str,
    baseline: bool = False,
    view_sources: dict[type, Iterable[str | Source]] | None = None,
) -> Callable[[Rule], CheckDef]:
    """Decorate a rule function to make it a check: metadata beside the decision."""

    def wrap(fn: Rule) -> CheckDef:
        return CheckDef(
            id=id,
            title=title,
            severity=Severity(severity),
            remediation=remediation,
            sources=frozenset(Source(s) for s in sources),
            views=views if isinstance(views, tuple) else (views,),
            rule=fn,
            baseline=baseline,
            description=(fn.__doc__ or "").strip(),
            view_sources=tuple(
                (vtype, frozenset(Source(s) for s in srcs)) for vtype, srcs in (view_sources or {}).items()
            ),
        )

    return wrap


class RegistryError(Exception):
    """A plugin registered something unusable; the message names the plugin."""


class Registry:
    def __init__(self) -> None:
        self._checks: dict[str, CheckDef] = {}

    def add(self, item: object, plugin: str) -> None:
        if not isinstance(item, CheckDef):
            raise RegistryError(
                f"plugin {plugin!r} registered {item!r}, which is not a CheckDef "
                "(use soc2_checks.registry.check to declare checks)"
            )
        if not isinstance(item.id, str) or not CHECK_ID_PATTERN.match(item.id):
            raise RegistryError(
                f"plugin {plugin!r} registered a check with a malformed ID {item.id!r}: "
                "IDs are upper-case words joined by '_' and end in a number, e.g. ACME_S3_1"
            )
        if item.id in self._checks:
            first = self._checks[item.id].plugin
            raise RegistryError(
                f"plugin {plugin!r} registered check {item.id} again (already registered by plugin {first!r})"
            )
        if not item.views or not all(isinstance(v, type) for v in item.views):
            raise RegistryError(f"plugin {plugin!r}: check {item.id} declares no view type")
        object.__setattr__(item, "plugin", plugin)
        self._checks[item.id] = item

    def get(self, check_id: str) -> CheckDef:
        return self._checks[check_id]

    def __contains__(self, check_id: object) -> bool:
        return check_id in self._checks

    def __iter__(self) -> Iterator[CheckDef]:
        return iter(sorted(self._checks.values(), key=_sort_key))

    def __len__(self) -> int:
        return len(self._checks)

    def ids(self) -> list[str]:
        return [c.id for c in self]

    def for_view(self, view: object, source: Source | None = None) -> list[CheckDef]:
        return [c for c in self if c.applies_to(view, source)]


def _sort_key(c: CheckDef) -> tuple[str, int]:
    prefix, _, num = c.id.rpartition("_")
    return (prefix, int(num))
