"""Plain views of resources: the contract between adapters and rules.

Terraform, CloudFormation and live AWS each build these views; rules decide over them and
never learn where a view came from. A field typed ``Maybe[T]`` may hold
:class:`~soc2_checks.model.Unknown` (present in the source but unresolvable: the rule cannot
PASS) or :class:`~soc2_checks.model.Missing` (not read: the rule reports ERROR).
"""

from __future__ import annotations

from typing import TypeVar

from ..model import Missing, Unknown

T = TypeVar("T")
Maybe = T | Unknown | Missing
