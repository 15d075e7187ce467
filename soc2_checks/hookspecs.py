"""The hooks through which checks and mappings reach soc2-checks.

The built-in checks are a plugin like any other (:mod:`soc2_checks.builtin`), registered
through these same hooks; a company package adds its own by declaring an entry point in the
``soc2_checks`` group, the way pytest plugins do.
"""

from __future__ import annotations

from pathlib import Path

import pluggy

PROJECT = "soc2_checks"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def soc2_checks_register_checks(sources: frozenset[str]) -> list:  # list[CheckDef]
    """Return the checks this plugin provides (built with :func:`soc2_checks.registry.check`).

    ``sources`` names what the caller will check (``terraform``, ``cloudformation``, ``live``,
    ``records``): a plugin may leave out the checks that run on none of them, to spare
    importing what only they need (a Checkov run imports every plugin's checks). Accepting
    the argument is optional, and checks returned anyway are simply not run there."""


@hookspec
def soc2_checks_mapping_files() -> list[Path]:
    """Return mapping files (YAML) that add criteria or check-to-criteria entries.

    They are validated against ``mappings/schemas/mapping.schema.json`` and merged after the
    built-in mapping, so a plugin can map its own checks and extend ours.
    """
