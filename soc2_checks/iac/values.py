"""Reading values out of Checkov's resource configurations.

Checkov hands Terraform attributes wrapped in a one-element list (``{'encrypted': [True]}``),
nested blocks as lists of dicts, and anything it could not render (a variable without a
default, a reference to another resource's computed attribute, a function call) as the raw
expression text. A decision must never be taken on expression text as if it were a value:
``sse_algorithm = var.algorithm`` is not an algorithm called "var.algorithm". These helpers
return :class:`~soc2_checks.model.Unknown` for such values, so the rule cannot PASS on them.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from ..model import Unknown

ABSENT: Any = object()
"""Marks an attribute that is not written at all (as opposed to written and unresolvable)."""

_REFERENCE_ROOTS = ("var.", "local.", "module.", "data.", "each.", "count.", "self.", "path.", "terraform.")
_RESOURCE_REFERENCE = re.compile(r"^[a-z][a-z0-9]*_[a-z0-9_]+\.[A-Za-z_][\w-]*(\[[^\]]*\])?(\.[\w\[\]\"*-]+)+$")
_FUNCTION_CALL = re.compile(r"^[a-z][a-z0-9_]*\(.*\)$", re.DOTALL)
_TERNARY = re.compile(r"\s\?\s.*\s:\s", re.DOTALL)
_EMBEDDED_REFERENCE = re.compile(r"(?<![\w:/.-])(?:var|local|module|each|count)\.[A-Za-z_]")
_INDEXED = re.compile(r"[\]})]\s*\[")
_ITERATOR = re.compile(r"^[A-Za-z_][\w-]*\.(?:value|key)(?:$|[.\[])")
"""A dynamic block's iterator (``rule.value``) that Checkov did not substitute."""


def expand_dynamic(conf: dict[str, Any]) -> None:
    """Expand ``dynamic`` blocks in place, as Checkov does for the input of some of its own
    checks but not in the graph: every reader of a configuration sees the generated blocks."""
    _checkov_handle_dynamic_values()(conf)


@functools.cache
def _checkov_handle_dynamic_values() -> Any:
    from checkov.terraform.parser_functions import handle_dynamic_values  # Checkov only when scanning

    return handle_dynamic_values


def is_expression(text: str) -> bool:
    """True when a string is Terraform expression text Checkov could not render."""
    s = text.strip()
    if "${" in s:
        return True
    if s.startswith(_REFERENCE_ROOTS):
        return True
    if _RESOURCE_REFERENCE.match(s) or _FUNCTION_CALL.match(s) or _ITERATOR.match(s):
        return True
    # Checkov renders what it can and leaves the rest as text: ``{...}["var.rules[count.index]"][2]``
    return bool(_TERNARY.search(s) or _EMBEDDED_REFERENCE.search(s) or _INDEXED.search(s))


def unwrap(value: Any) -> Any:
    """Remove Checkov's one-element list around a Terraform attribute value."""
    if isinstance(value, list) and len(value) == 1:
        return value[0]
    return value


def raw(conf: dict[str, Any], key: str) -> Any:
    """The unwrapped attribute, or :data:`ABSENT`."""
    if not isinstance(conf, dict) or key not in conf or conf[key] is None:
        return ABSENT
    return unwrap(conf[key])


def _unknown(where: str, value: Any) -> Unknown:
    return Unknown(f"{where} is {_show(value)}, which cannot be resolved from the source")


def _show(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(str(text).split())
    return repr(text if len(text) <= 80 else text[:77] + "...")


def to_bool(value: Any, where: str) -> bool | Unknown:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    return _unknown(where, value)


def to_int(value: Any, where: str) -> int | Unknown:
    if isinstance(value, bool):
        return _unknown(where, value)
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+\s*", value):
        return int(value)
    return _unknown(where, value)


def to_str(value: Any, where: str) -> str | Unknown:
    """A string a decision depends on (an algorithm, a protocol, an ACL name, a CIDR). No such
    value is a collection: text that starts like one is a partly rendered expression."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str) and not is_expression(value) and not value.lstrip().startswith(("{", "[")):
        return value
    return _unknown(where, value)


def tf_bool(conf: dict[str, Any], key: str, default: Any, where: str = "") -> Any:
    value = raw(conf, key)
    return default if value is ABSENT else to_bool(value, where or key)


def tf_int(conf: dict[str, Any], key: str, default: Any, where: str = "") -> Any:
    value = raw(conf, key)
    return default if value is ABSENT else to_int(value, where or key)


def tf_str(conf: dict[str, Any], key: str, default: Any, where: str = "") -> Any:
    value = raw(conf, key)
    return default if value is ABSENT else to_str(value, where or key)


def tf_list(conf: dict[str, Any], key: str, where: str = "") -> list[Any] | Unknown:
    """A list attribute (``cidr_blocks = [...]``); a scalar that is expression text (a list
    variable without a default) is Unknown, a plain scalar becomes a one-item list."""
    value = raw(conf, key)
    if value is ABSENT:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str) and is_expression(value):
        return _unknown(where or key, value)
    return [value]


def tf_blocks(conf: dict[str, Any], key: str, where: str = "") -> list[dict[str, Any]] | Unknown:
    """Nested blocks (``ingress { ... }``), also when written as an attribute list of objects."""
    if not isinstance(conf, dict) or conf.get(key) is None:
        return []
    value = conf[key]
    if isinstance(value, dict):
        return [value]
    if not isinstance(value, list):
        return _unknown(where or key, value)
    if len(value) == 1 and isinstance(value[0], list):
        value = value[0]
    blocks: list[dict[str, Any]] = []
    for item in value:
        if isinstance(item, dict):
            blocks.append(item)
        elif item is None:
            continue
        else:
            return _unknown(where or key, item)
    return blocks


def tf_first_block(conf: dict[str, Any], key: str, where: str = "") -> dict[str, Any] | None | Unknown:
    blocks = tf_blocks(conf, key, where)
    if isinstance(blocks, Unknown):
        return blocks
    return blocks[0] if blocks else None


def display(value: Any, fallback: str) -> str:
    """A human label (a bucket or policy name). A reference or a template is shown as written
    (``var.bucket``, ``logs-${random_pet.this.id}``); a condition or a function call is not a
    name a reader recognises (``var.use_name_prefix ? None : local.name``), so the resource's
    address stands in for it."""
    if value is ABSENT or value is None or isinstance(value, (dict, list)):
        return fallback
    text = str(value).strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1]
    if _TERNARY.search(text) or _FUNCTION_CALL.match(text):
        return fallback
    return text or fallback


def strip_interpolation(text: str) -> str:
    """``${aws_s3_bucket.logs.id}`` -> ``aws_s3_bucket.logs.id`` (Terraform 0.11 style)."""
    s = text.strip()
    if s.startswith("${") and s.endswith("}") and s.count("${") == 1:
        return s[2:-1].strip()
    return s
