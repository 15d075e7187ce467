"""Checkov imported without its built-in checks, for the ``soc2-checks iac`` command.

Importing Checkov's runners imports its ~1,300 built-in check modules (each provider package's
``__init__`` star-imports every module beside it): about 0.4 s of every scan, for checks that
``soc2-checks iac`` never selects. While the command first imports Checkov, those provider
packages are created empty instead: their modules remain importable by name, only the
star-import finds nothing. A package Checkov lays out differently is simply imported as usual.
Only the command does this, since the process is its own; library callers get Checkov as it is.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import importlib.machinery
import os
import sys
from collections.abc import Iterator, Sequence
from types import ModuleType

CHECK_PACKAGES = frozenset(
    {
        "checkov.terraform.checks.resource",
        "checkov.terraform.checks.data",
        "checkov.terraform.checks.provider",
        "checkov.terraform.checks.module",
        "checkov.cloudformation.checks.resource",
    }
)
"""Folders whose sub-packages (``aws``, ``gcp``, ...) hold one built-in check per module."""


class _EmptyCheckPackages(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        parent, _, leaf = fullname.rpartition(".")
        if parent not in CHECK_PACKAGES or not path:
            return None
        folder = os.path.join(next(iter(path)), leaf)
        if not os.path.isfile(os.path.join(folder, "__init__.py")):
            return None
        spec = importlib.machinery.ModuleSpec(fullname, self, is_package=True)
        spec.submodule_search_locations = [folder]
        return spec

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # the default module object

    def exec_module(self, module: ModuleType) -> None:
        module.__all__ = []


@contextlib.contextmanager
def without_builtin_checks() -> Iterator[None]:
    """Import Checkov, within this block, without its built-in checks (no effect when Checkov's
    checks are already loaded in this process)."""
    finder = _EmptyCheckPackages()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)
