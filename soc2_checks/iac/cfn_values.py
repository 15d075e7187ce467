"""Reading values out of CloudFormation resources, intrinsic functions included.

Checkov already replaces ``Ref`` to a parameter with its default and renders simple
``Fn::Sub`` strings; what remains is left as the intrinsic. Two questions are asked of such
a value, and they get different answers:

- A **decision value** (``Encrypted``, ``IsMultiRegionTrail``, an ACL name): anything still
  intrinsic is :class:`~soc2_checks.model.Unknown`, so the rule cannot PASS on it.
- An **identifier** (a policy ``Resource``, a name in a message): ``!GetAtt Bucket.Arn`` or
  ``!Sub "${Bucket.Arn}/*"`` is an ARN, never the wildcard ``*``, so it is shown as written.
  A ``Ref`` to a parameter without a default could be anything, ``*`` included: Unknown.

``Fn::If`` is not guessed at: :func:`variants` expands a resource into one version per
combination of the conditions it uses, and the resource passes only when every version does.
"""

from __future__ import annotations

import functools
import itertools
import os
from typing import Any

from ..model import Unknown
from .values import to_bool, to_int, to_str

META_KEYS = frozenset({"__file__", "__startline__", "__endline__"})
MAX_CONDITIONS = 4
"""More conditions than this in one resource (16 versions) leave Fn::If unresolved (Unknown)."""

NO_VALUE = "AWS::NoValue"
PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)


class _Removed:
    """What ``!Ref AWS::NoValue`` leaves: the property or list item is not there at all."""


REMOVED = _Removed()


def strip_meta(obj: Any) -> Any:
    """Drop the line-number keys Checkov adds to every mapping."""
    if isinstance(obj, dict):
        return {k: strip_meta(v) for k, v in obj.items() if k not in META_KEYS}
    if isinstance(obj, list):
        return [strip_meta(v) for v in obj]
    return obj


def intrinsic(obj: Any) -> tuple[str, Any] | None:
    """``("Fn::Sub", args)`` when ``obj`` is a single intrinsic function call."""
    if isinstance(obj, dict):
        keys = [k for k in obj if k not in META_KEYS]
        if len(keys) == 1 and (keys[0] == "Ref" or keys[0].startswith("Fn::") or keys[0] == "Condition"):
            return keys[0], obj[keys[0]]
    return None


def conditions_used(obj: Any) -> list[str]:
    """Names of the conditions of every ``Fn::If`` in ``obj``, in first-use order."""
    found: dict[str, None] = {}

    def walk(o: Any) -> None:
        fn = intrinsic(o)
        if fn and fn[0] == "Fn::If" and isinstance(fn[1], list) and fn[1] and isinstance(fn[1][0], str):
            found.setdefault(fn[1][0], None)
        if isinstance(o, dict):
            for v in o.values():
                walk(v)
        elif isinstance(o, list):
            for v in o:
                walk(v)

    walk(obj)
    return list(found)


def choose(obj: Any, assignment: dict[str, bool]) -> Any:
    """``obj`` with every ``Fn::If`` on an assigned condition replaced by its branch and
    ``AWS::NoValue`` removed; an ``Fn::If`` on an unassigned condition is left as it is."""
    fn = intrinsic(obj)
    if fn:
        name, args = fn
        if name == "Ref" and args == NO_VALUE:
            return REMOVED
        if name == "Fn::If" and isinstance(args, list) and len(args) == 3 and args[0] in assignment:
            return choose(args[1] if assignment[args[0]] else args[2], assignment)
    if isinstance(obj, dict):
        out = {}
        for k, v in obj.items():
            chosen = choose(v, assignment)
            if chosen is not REMOVED:
                out[k] = chosen
        return out
    if isinstance(obj, list):
        return [c for c in (choose(v, assignment) for v in obj) if c is not REMOVED]
    return obj


def variants(resource: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """One version of the resource per combination of its conditions, each labelled with the
    combination ("when IsProd is false"); a resource without ``Fn::If`` has one, unlabelled."""
    names = conditions_used(resource)
    if not names:
        return [("", choose(resource, {}))]
    if len(names) > MAX_CONDITIONS:
        return [("", choose(resource, {}))]
    out = []
    for values in itertools.product((True, False), repeat=len(names)):
        assignment = dict(zip(names, values, strict=True))
        label = "when " + " and ".join(f"{n} is {'true' if v else 'false'}" for n, v in assignment.items())
        out.append((label, choose(resource, assignment)))
    return out


def _show(obj: Any) -> str:
    fn = intrinsic(obj)
    if fn:
        name, args = fn
        short = "!" + name.removeprefix("Fn::")
        return f"{short} {strip_meta(args)!r}"
    return repr(strip_meta(obj))


def unknown(where: str, obj: Any) -> Unknown:
    return Unknown(f"{where} is {_show(obj)}, which cannot be resolved from the template")


def cfn_bool(value: Any, where: str, default: Any = None) -> Any:
    if value is None:
        return default
    if intrinsic(value):
        return unknown(where, value)
    return to_bool(value, where)


def cfn_int(value: Any, where: str, default: Any = None) -> Any:
    if value is None:
        return default
    if intrinsic(value):
        return unknown(where, value)
    return to_int(value, where)


def cfn_str(value: Any, where: str, default: Any = None) -> Any:
    if value is None:
        return default
    if intrinsic(value) or isinstance(value, (dict, list)):
        return unknown(where, value)
    return to_str(value, where) if not isinstance(value, str) else value


def text(value: Any, fallback: str) -> str:
    """A label for messages: a literal as written, an intrinsic in ``${...}`` notation."""
    ident = identifier(value, "", parameters=frozenset())
    if isinstance(ident, str):
        return ident
    if isinstance(value, str):
        return value
    fn = intrinsic(value)
    if fn and fn[0] == "Ref" and isinstance(fn[1], str):
        return "${" + fn[1] + "}"
    return fallback


def identifier(value: Any, where: str, parameters: frozenset[str] | None) -> str | Unknown:
    """A string whose exact value matters only as "is it the wildcard?" (or "is it an AWS
    managed policy?"): a resource ARN or ID in any spelling is kept as written, with the
    partition spelled ``aws`` (rules accept every partition alike); a parameter without default
    (``parameters`` lists the template's parameters; None: unknown) is Unknown, because it
    could hold ``*``."""
    if isinstance(value, str):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    fn = intrinsic(value)
    if not fn:
        return unknown(where, value)
    name, args = fn
    if name == "Ref" and isinstance(args, str):
        return _ref(args, value, where, parameters)
    if name == "Fn::GetAtt":
        parts = args.split(".", 1) if isinstance(args, str) else args
        if isinstance(parts, list) and all(isinstance(p, str) for p in parts):
            return "${" + ".".join(parts) + "}"
        return unknown(where, value)
    if name == "Fn::Sub":
        template = args[0] if isinstance(args, list) and args else args
        if not isinstance(template, str):
            return unknown(where, value)
        stripped = template.strip()
        if stripped.startswith("${") and stripped.endswith("}") and stripped.count("${") == 1:
            inner = stripped[2:-1]
            if "." not in inner and not inner.startswith("!"):
                variables = args[1] if isinstance(args, list) and len(args) > 1 else {}
                if isinstance(variables, dict) and inner in variables:
                    return identifier(variables[inner], where, parameters)
                return _ref(inner, value, where, parameters)
        return template.replace("${AWS::Partition}", "aws")

    if name == "Fn::Join" and isinstance(args, list) and len(args) == 2 and isinstance(args[1], list):
        delimiter = args[0] if isinstance(args[0], str) else ""
        pieces = []
        for part in args[1]:
            piece = identifier(part, where, parameters)
            if isinstance(piece, Unknown):
                if len(args[1]) == 1:
                    return piece
                piece = "${?}"
            pieces.append(piece)
        joined = delimiter.join(pieces)
        return joined if joined.strip() != "${?}" else unknown(where, value)
    return unknown(where, value)


def _ref(name: str, value: Any, where: str, parameters: frozenset[str] | None) -> str | Unknown:
    if name in PSEUDO_PARAMETERS:
        return "${" + name + "}"
    if parameters is None or name in parameters:
        return unknown(where, value)
    return "${" + name + "}"  # a resource's physical ID or ARN


@functools.lru_cache(maxsize=64)
def _template(path: str, mtime: float) -> dict[str, Any] | None:
    from checkov.cloudformation.parser import parse

    try:
        template, _ = parse(path)
    except Exception:
        return None
    return template if isinstance(template, dict) else None


def _template_of(resource: dict[str, Any]) -> dict[str, Any] | None:
    """The template a resource comes from, read from the file Checkov recorded on it."""
    path = None
    for part in (resource.get("Properties"), resource):
        if isinstance(part, dict) and isinstance(part.get("__file__"), str):
            path = part["__file__"]
            break
    if not path:
        return None
    try:
        mtime = os.stat(path).st_mtime
    except OSError:
        return None
    return _template(path, mtime)


def template_parameters(resource: dict[str, Any]) -> frozenset[str] | None:
    """The parameter names of the template a resource comes from (None: unknown), so that
    ``!Ref X`` can be told apart as a parameter (any value) or a resource (an ID)."""
    template = _template_of(resource)
    if template is None:
        return None
    params = template.get("Parameters") or {}
    return frozenset(k for k in params if k not in META_KEYS) if isinstance(params, dict) else None


def template_resources(resource: dict[str, Any]) -> dict[str, Any] | None:
    """The other resources of the template (logical ID -> resource; None: unknown), for the
    joins a resource's rule needs: the policies that name a user, the ingress rules of a group."""
    template = _template_of(resource)
    resources = template.get("Resources") if template is not None else None
    if not isinstance(resources, dict):
        return None
    return {k: v for k, v in resources.items() if k not in META_KEYS and isinstance(v, dict)}


def refers_to(value: Any, logical_id: str, attribute: str | None = None) -> bool:
    """``!Ref logical_id`` (or ``!GetAtt logical_id.attribute``)."""
    fn = intrinsic(value)
    if not fn:
        return False
    name, args = fn
    if name == "Ref":
        return args == logical_id
    if name == "Fn::GetAtt" and attribute is not None:
        parts = args.split(".", 1) if isinstance(args, str) else args
        return isinstance(parts, list) and len(parts) == 2 and parts[0] == logical_id and parts[1] == attribute
    return False
