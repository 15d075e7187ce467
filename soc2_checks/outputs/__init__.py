"""Output writers: one module per format, each registering itself with :func:`writer`.

A writer turns a finished :class:`~soc2_checks.report.ScanReport` into text. Every writer
module in this package is discovered on first use, so a new format is one new module; the
standard library is all they import, so choosing a format never pays for Checkov or boto3.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..report import ScanReport


@dataclass(frozen=True)
class RenderOptions:
    """How the destination wants the text. ``color`` None lets the terminal writer decide
    from stdout and NO_COLOR / FORCE_COLOR; False is right for anything written to a file."""

    color: bool | None = None


Writer = Callable[[ScanReport, Any, RenderOptions], str]

_WRITERS: dict[str, Writer] = {}
_discovered = False


def writer(fmt: str) -> Callable[[Writer], Writer]:
    """Register a function as the writer of output format ``fmt``."""

    def wrap(fn: Writer) -> Writer:
        if fmt in _WRITERS and _WRITERS[fmt] is not fn:
            raise RuntimeError(f"output format {fmt!r} has two writers")
        _WRITERS[fmt] = fn
        return fn

    return wrap


def _discover() -> None:
    global _discovered
    if _discovered:
        return
    for info in pkgutil.iter_modules(__path__):
        if not info.name.startswith("_"):
            importlib.import_module(f"{__name__}.{info.name}")
    _discovered = True


def available() -> list[str]:
    _discover()
    return sorted(_WRITERS)


def check_formats(formats: Iterable[str]) -> None:
    """Refuse a format that cannot be written, before a scan starts rather than after it."""
    _discover()
    for fmt in formats:
        if fmt in _WRITERS:
            continue
        from ..commands.common import OUTPUT_FORMATS

        if fmt in OUTPUT_FORMATS:
            raise UsageError(f"output format {fmt} is not available yet")
        raise UsageError(f"unknown output format {fmt!r} (choose from {', '.join(available())})")


def render(fmt: str, report: ScanReport, st: Any, *, color: bool | None = None) -> str:
    """The text of ``report`` in format ``fmt``.

    ``st`` supplies what the report itself does not hold: ``st.registry`` (remediation and
    descriptions of checks) and ``st.mapping`` (criterion titles).
    """
    check_formats([fmt])
    return _WRITERS[fmt](report, st, RenderOptions(color=color))


__all__ = ["RenderOptions", "available", "check_formats", "render", "writer"]
