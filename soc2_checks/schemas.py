"""JSON Schemas shipped in ``mappings/schemas/`` and validation that names file, line, field."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from .datafiles import Document
from .errors import InputError


def mappings_dir() -> Path:
    """The shipped ``mappings/`` folder: inside the installed package (wheel) or, in a source
    checkout and an editable install, beside the package."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "mappings", here.parent / "mappings"):
        if (candidate / "criteria.yaml").is_file():
            return candidate
    raise RuntimeError(f"soc2-checks is installed without its mappings/ data (looked in {here})")


@functools.cache
def load_schema(name: str) -> dict[str, Any]:
    path = mappings_dir() / "schemas" / name
    return json.loads(path.read_text(encoding="utf-8"))


@functools.cache
def _validator(name: str) -> Any:
    import jsonschema

    schema = load_schema(name)
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def validate(doc: Document, schema_name: str) -> None:
    """Raise :class:`InputError` for the first (most relevant) schema violation."""
    from jsonschema.exceptions import best_match

    validator = _validator(schema_name)
    error = best_match(validator.iter_errors(doc.data))
    if error is None:
        return
    key = tuple(error.absolute_path)
    target = _at(doc.data, key)
    if isinstance(target, dict) and isinstance(error.instance, str) and error.instance in target:
        key += (error.instance,)  # a bad key (propertyNames): point at the key's own line
    raise doc.error(key, _describe(error))


def _at(data: Any, key: tuple) -> Any:
    for part in key:
        try:
            data = data[part]
        except (KeyError, IndexError, TypeError):
            return None
    return data


def validate_data(data: Any, schema_name: str) -> list[str]:
    """All violations as text, for outputs we produce ourselves (tests, merge inputs)."""
    validator = _validator(schema_name)
    return [f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}" for e in validator.iter_errors(data)]


def _describe(error: Any) -> str:
    if error.validator == "additionalProperties":
        return error.message.replace("Additional properties are not allowed", "unknown field(s)")
    if error.validator == "format" and error.validator_value == "date":
        return f"{error.instance!r} is not a valid date (expected YYYY-MM-DD)"
    message = error.message
    if len(message) > 200:
        message = message[:197] + "..."
    return message


def require_file(path: str | Path) -> Path:
    p = Path(path)
    if not p.exists():
        raise InputError(p, "file not found")
    return p
