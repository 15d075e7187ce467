"""Loads plugins into a pluggy manager and builds the check registry from them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pluggy

from . import hookspecs
from .model import Source
from .registry import Registry, RegistryError

ENTRY_POINT_GROUP = "soc2_checks"


@dataclass
class Loaded:
    registry: Registry
    mapping_files: list[tuple[str, Path]]  # (plugin name, file)
    manager: pluggy.PluginManager


def plugin_manager(load_entry_points: bool = True, extra: tuple[object, ...] = ()) -> pluggy.PluginManager:
    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    from . import builtin

    pm.register(builtin, name="soc2_checks.builtin")
    for plugin in extra:
        pm.register(plugin)
    if load_entry_points:
        try:
            pm.load_setuptools_entrypoints(ENTRY_POINT_GROUP)
        except Exception as exc:  # an import error inside somebody's plugin
            raise RegistryError(f"a plugin in entry-point group {ENTRY_POINT_GROUP!r} failed to load: {exc}") from exc
    return pm


def load(
    load_entry_points: bool = True, extra: tuple[object, ...] = (), sources: Iterable[Source] = tuple(Source)
) -> Loaded:
    """Collect every plugin's checks and mapping files, naming the plugin on any error.
    ``sources``: what the caller will check; a plugin may leave out checks for anything else."""
    pm = plugin_manager(load_entry_points, extra)
    registry = Registry()
    mapping_files: list[tuple[str, Path]] = []
    arguments = {"sources": frozenset(str(s) for s in sources)}
    for impl in _in_order(pm.hook.soc2_checks_register_checks.get_hookimpls()):
        items = impl.function(**{name: arguments[name] for name in impl.argnames})
        if items is None:
            items = []
        if not isinstance(items, (list, tuple)):
            raise RegistryError(
                f"plugin {impl.plugin_name!r}: soc2_checks_register_checks must return a list of checks"
            )
        for item in items:
            registry.add(item, impl.plugin_name)
    for impl in _in_order(pm.hook.soc2_checks_mapping_files.get_hookimpls()):
        for f in impl.function() or []:
            mapping_files.append((impl.plugin_name, Path(f)))
    return Loaded(registry=registry, mapping_files=mapping_files, manager=pm)


def _in_order(impls: list) -> list:
    """Built-in first, then the others by name, so that a "registered again" error always
    blames the newcomer and results do not depend on entry-point iteration order."""
    return sorted(impls, key=lambda i: (i.plugin_name != "soc2_checks.builtin", i.plugin_name))
