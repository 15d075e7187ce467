"""Terraform root modules: parsed once, then scanned side by side.

Root modules are independent (a module call never reaches into another root), and most of a
Checkov Terraform scan is work local to one root: building its graph, rendering its variables,
running the checks. So the tree is parsed once with Checkov's own parser (the HCL files
themselves in parallel), the definitions are split by root module as Checkov's multi-graph mode
splits them (``TFParser.create_definition_by_dirs``), and each share of roots goes through
Checkov's Terraform runner, unchanged, in a process of its own. Each share is an ordinary
single-graph run, so every check sees the graph of its own root as in a whole-tree run.

Workers are forked (Linux only): the parent has already imported Checkov and parsed the tree,
so a worker starts with both at no cost. Elsewhere, or with one job, the shares run one after
another in this process, through the same code.
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import re
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """The CPUs this process may run on (a container's CPU set, not the host's count)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    return sys.platform.startswith("linux")


@dataclass(frozen=True)
class Failed:
    """A share whose work raised or whose worker died: its roots become ERROR results."""

    reason: str


def fork_map(func: Callable[[T], R], items: Sequence[T], jobs: int) -> list[R | Failed]:
    """``func`` over ``items`` in order: the first item in this process, each other one in a
    forked child. An exception or a dead child is a :class:`Failed` in its place, never a gap."""
    if jobs <= 1 or len(items) <= 1 or not can_fork():
        return [_guarded(func, item) for item in items]
    ctx = multiprocessing.get_context("fork")
    children = []
    for item in items[1:]:
        receive, send = ctx.Pipe(duplex=False)
        process = ctx.Process(target=_child, args=(func, item, send))
        process.start()
        send.close()
        children.append((process, receive))
    results: list[R | Failed] = [_guarded(func, items[0])]
    for process, receive in children:
        try:
            results.append(receive.recv())
        except EOFError:
            process.join()
            results.append(Failed(f"its worker process ended without a result (exit code {process.exitcode})"))
        finally:
            receive.close()
            process.join()
    return results


def _guarded(func: Callable[[T], R], item: T) -> R | Failed:
    try:
        return func(item)
    except Exception as exc:  # reported as ERROR results by the caller
        return Failed(f"{type(exc).__name__}: {exc}")


def _child(func: Callable[[T], R], item: T, send: Any) -> None:
    outcome = _guarded(func, item)
    try:
        send.send(outcome)
    except Exception as exc:  # an unpicklable result must still reach the parent as a failure
        send.send(Failed(f"its results could not be returned ({type(exc).__name__}: {exc})"))
    finally:
        send.close()


# -- parsing ------------------------------------------------------------------------------------


@dataclass
class Parsed:
    """A tree parsed by Checkov's parser, its definitions grouped by root module."""

    parser: Any
    roots: dict[str, dict[Any, Any]] = field(default_factory=dict)
    """root folder -> its definitions (its own files and those of every module it calls)"""
    errors: dict[str, Exception] = field(default_factory=dict)

    def weight(self, root: str) -> int:
        """Roughly what a root costs to scan: its blocks, modules' included."""
        return sum(len(blocks) for definition in self.roots[root].values() for blocks in definition.values()) or 1


def parse(directory: str, jobs: int, excluded_paths: list[str] | None = None, var_files: Sequence[str] = ()) -> Parsed:
    """Parse as ``checkov -d`` does (same parser, same arguments), with the HCL files read by
    ``jobs`` processes first: Checkov's module finder parses every ``.tf`` file of the tree one
    by one, and that is the largest part of parsing that does not depend on other files."""
    from checkov.common.util.consts import DEFAULT_EXTERNAL_MODULES_DIR
    from checkov.terraform.module_loading import module_finder
    from checkov.terraform.modules.module_utils import clean_parser_types, serialize_definitions
    from checkov.terraform.tf_parser import TFParser

    root = os.path.abspath(directory)
    cache = parse_files(_tf_files(root, excluded_paths), jobs)
    real = module_finder.load_or_die_quietly

    def load(file: Any, parsing_errors: dict[str, Exception], *args: Any, **kwargs: Any) -> Any:
        hit = cache.get(str(file))
        if hit is None:
            return real(file, parsing_errors, *args, **kwargs)
        data, errors = hit
        parsing_errors.update(errors)
        return data

    parser = TFParser()
    errors: dict[str, Exception] = {}
    with patched(module_finder, "load_or_die_quietly", load):
        definitions = parser.parse_directory(
            directory=root,
            out_evaluations_context={},
            out_parsing_errors=errors,
            download_external_modules=False,
            external_modules_download_path=DEFAULT_EXTERNAL_MODULES_DIR,
            excluded_paths=excluded_paths,
            vars_files=[os.path.abspath(f) for f in var_files] or None,
        )
    definitions = serialize_definitions(clean_parser_types(definitions))
    out = Parsed(parser=parser, errors=errors)
    owner: dict[Any, str] = {}
    for folder, entries in parser.create_definition_by_dirs(definitions).items():
        for entry in entries:
            for key in entry:
                owner[key] = folder
    for key, definition in definitions.items():  # the parser's order, kept within each root
        folder = owner.get(key)
        if folder is not None:
            out.roots.setdefault(folder, {})[key] = definition
    return out


def parse_files(files: list[str], jobs: int) -> dict[str, tuple[Any, dict[str, Exception]]]:
    """Each file's HCL, parsed by Checkov's loader in ``jobs`` processes. A share that failed is
    left out: Checkov's parser then reads those files itself."""
    if jobs <= 1 or len(files) < 2 * jobs:
        return {}  # not worth a process: the parser reads the files as usual
    sizes = {f: _size(f) for f in files}
    shares = balanced(files, jobs, lambda f: sizes[f])
    cache: dict[str, tuple[Any, dict[str, Exception]]] = {}
    for outcome in fork_map(_parse_share, shares, jobs):
        if not isinstance(outcome, Failed):
            cache.update(outcome)
    return cache


def _parse_share(files: list[str]) -> dict[str, tuple[Any, dict[str, Exception]]]:
    from checkov.terraform.parser_utils import load_or_die_quietly

    out = {}
    for file in files:
        errors: dict[str, Exception] = {}
        data = load_or_die_quietly(file, errors)
        out[file] = (data, {path: Exception(repr(exc)) for path, exc in errors.items()})  # picklable
    return out


def _tf_files(root: str, excluded_paths: list[str] | None) -> list[str]:
    """The files Checkov's module finder parses: every ``.tf`` file outside ``.terraform/modules``."""
    excluded = re.compile("|".join(f"({p})" for p in excluded_paths)) if excluded_paths else None
    skip = os.path.join(root, ".terraform", "modules")
    files = []
    for folder, _, names in os.walk(root):
        if folder.startswith(skip):
            continue
        for name in names:
            path = os.path.join(folder, name)
            if name.endswith(".tf") and not (excluded and excluded.search(path)):
                files.append(path)
    return files


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def balanced(items: Sequence[T], jobs: int, weight: Callable[[T], int]) -> list[list[T]]:
    """``items`` in at most ``jobs`` shares of about equal weight (heaviest first, each to the
    lightest share), each share in the original order."""
    shares: list[list[int]] = [[] for _ in range(max(1, min(jobs, len(items))))]
    load = [0] * len(shares)
    for i in sorted(range(len(items)), key=lambda i: weight(items[i]), reverse=True):
        lightest = load.index(min(load))
        shares[lightest].append(i)
        load[lightest] += weight(items[i])
    return [[items[i] for i in sorted(share)] for share in shares if share]


# -- running ------------------------------------------------------------------------------------


class _PreParsed:
    """Checkov's parser with the parsing already done: the graph manager asks it to parse the
    directory and gets the definitions of this share's roots."""

    def __init__(self, parser: Any, definitions: dict[Any, Any]) -> None:
        self._parser = parser
        self._definitions = definitions

    def parse_hcl_module(self, source_dir: str, source: str, **_: Any) -> Any:
        return self._parser.parse_hcl_module_from_tf_definitions(self._definitions, source_dir, source)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._parser, name)


def runner_for(parsed: Parsed, roots: Sequence[str]) -> Any:
    """A Checkov Terraform runner that scans these roots of the parsed tree."""
    from checkov.terraform.runner import Runner

    definitions = {key: value for root in roots for key, value in parsed.roots[root].items()}
    runner = Runner()
    runner.graph_manager.parser = _PreParsed(parsed.parser, definitions)
    return runner


@contextlib.contextmanager
def only_checks(registries: Any, ids: set[str]) -> Iterator[None]:
    """Checkov's registries hold only the selected checks while a scan runs. Its runner asks
    every registered check whether the run's filter selects it, for every block: with only the
    SOC 2 checks selected, that is about a thousand questions per resource whose answer is no."""
    saved = []
    for registry in registries:
        saved.append((registry, registry.checks, registry.wildcard_checks))
        registry.checks = _kept(registry.checks, ids)
        registry.wildcard_checks = _kept(registry.wildcard_checks, ids)
    try:
        yield
    finally:
        for registry, checks, wildcard in saved:
            registry.checks, registry.wildcard_checks = checks, wildcard


def _kept(checks: dict[str, list[Any]], ids: set[str]) -> defaultdict[str, list[Any]]:
    """The registry's own shape (a ``defaultdict(list)`` per entity), with the selected checks."""
    kept: defaultdict[str, list[Any]] = defaultdict(list)
    for entity, entity_checks in checks.items():
        selected = [c for c in entity_checks if c.id in ids]
        if selected:
            kept[entity] = selected
    return kept


@contextlib.contextmanager
def batch_gc() -> Iterator[None]:
    """Garbage collection tuned for one large batch of allocations. Checkov's graph building
    allocates millions of small objects, most of them alive until the end of the scan, and the
    collector's default thresholds walk them again and again (about a sixth of the scan time).
    What is already loaded (Checkov itself, the checks) is frozen out of collection, which also
    keeps forked workers from copying those pages, and collections are made rarer."""
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(10_000, 20, 20)
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


@contextlib.contextmanager
def patched(owner: Any, name: str, value: Any) -> Iterator[None]:
    """``owner.name`` is ``value`` within the block."""
    original = getattr(owner, name)
    setattr(owner, name, value)
    try:
        yield
    finally:
        setattr(owner, name, original)
