"""How many instances a Terraform resource has, where Checkov left ``count``/``for_each`` as text.

Checkov expands ``count`` and ``for_each`` when it can evaluate them (``aws_s3_bucket.x[0]``,
``aws_iam_role_policy_attachment.y["admin"]``) and otherwise leaves the expression text in the
configuration, which would make a resource that Terraform never creates look like one that
exists. Two shapes are common in real modules and can be settled without guessing:

- a ``for_each`` over a literal collection, possibly filtered (``{for k, v in {...} : k => v
  if var.enabled}`` once Checkov has rendered ``var.enabled``): its instances are known, and
  an empty one means the resource does not exist;
- a ``count`` whose condition names variables Checkov did not substitute
  (``!var.is_directory_bucket ? 1 : 0``): it is evaluated with the variables' values
  (``tf_expressions``; the index reads the condition from the source where Checkov's
  rendering of it cannot be trusted).

Anything else stays as it is: the resource is judged, and values it cannot resolve are Unknown.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Callable
from typing import Any

from .tf_expressions import Unknown, evaluate, evaluate_count, for_each_pairs, to_conf
from .tf_source import Dynamic
from .values import ABSENT, raw

Item = tuple[Any, Any]

_FOR_EXPRESSION = re.compile(
    r"^\{\s*for\s+(?P<k>\w+)\s*,\s*(?P<v>\w+)\s+in\s+(?P<coll>.+?)\s*:\s*(?P=k)\s*(?::>|=>)\s*(?P<value>.+?)"
    r"(?:\s+if\s+(?P<cond>.+?))?\s*\}$",
    re.DOTALL,
)
_LIST_FOR_EXPRESSION = re.compile(
    r"^\[\s*for\s+(?P<v>\w+)\s+in\s+(?P<coll>.+?)\s*:\s*(?P<value>.+?)(?:\s+if\s+(?P<cond>.+?))?\s*\]$", re.DOTALL
)
_ITERATOR = re.compile(
    r'^(?:\$\{\s*)?(?P<name>[A-Za-z_][\w-]*)\.(?P<part>key|value)(?:\.(?P<attr>\w+)|\["(?P<key_attr>\w+)"\])?(?:\s*\})?$'
)


def never_created(conf: dict[str, Any]) -> bool:
    """``count = 0``, or a ``for_each`` that is certainly empty: the resource does not exist, so
    it is neither judged nor evidence for another resource."""
    count = raw(conf, "count")
    if count == 0 or count == "0":
        return True
    items = for_each_items(conf)
    return items is not None and not items


def for_each_items(conf: dict[str, Any]) -> list[Item] | None:
    """The (key, value) pairs of a ``for_each`` Checkov did not expand, or None when there is no
    ``for_each`` or its items cannot be known from the source."""
    if not isinstance(conf, dict) or "for_each" not in conf:
        return None
    value = conf["for_each"]
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    return _items(value, 0)


def _items(value: Any, depth: int) -> list[Item] | None:
    if depth > 3 or value is None or value is ABSENT:
        return None
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, (list, tuple, set)):
        if all(isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value):
            return [(v, v) for v in value]  # a set of strings: each.key == each.value
        return None
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.startswith("${") and text.endswith("}") and text.count("${") == 1:
        text = text[2:-1].strip()
    if text in ("{}", "[]"):
        return []
    if text.startswith("['") and text.endswith("']"):  # Checkov's list around the expression text
        return _items(text[2:-2], depth + 1)
    m = _FOR_EXPRESSION.match(text) or _LIST_FOR_EXPRESSION.match(text)
    if not m:
        return None
    collection = _literal(m.group("coll"))
    if collection is None:
        return None
    if not collection:
        return []  # nothing to iterate over, whatever the filter says
    keep = _condition(m.group("cond"))
    if keep is False:
        return []
    if keep is None or m.group("value").strip() != m.group("v"):
        return None  # the filter or the mapped value depends on each element
    if isinstance(collection, dict):
        return list(collection.items())
    return _items(list(collection), depth + 1)


def _literal(text: str) -> Any:
    """A collection Checkov rendered in Python notation (``{'a': 'x'}``, ``True``, ``None``)."""
    try:
        value = ast.literal_eval(text.strip())
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, (dict, list, tuple, set)) else None


def _condition(text: str | None) -> bool | None:
    """A filter made of literal conjuncts: ``True``, ``True && False``. None: not literal."""
    if text is None:
        return True
    if "||" in text:
        return None
    parts = [p.strip().strip("()").strip().lower() for p in text.split("&&")]
    if any(p == "false" for p in parts):
        return False
    if all(p == "true" for p in parts):
        return True
    return None


def count_value(
    text: Any,
    variable: Callable[[str], tuple[bool, Any]],
    local: Callable[[str], str | None] | None = None,
) -> int | None:
    """The number a ``count`` expression evaluates to, with ``var.x`` read through
    ``variable(name)`` -> (known, value) and ``local.x`` through ``local(name)`` -> its
    expression text (evaluated in turn). None when anything in it stays unknown."""
    if not isinstance(text, str):
        return None
    return evaluate_count(text, resolver(variable, local))


def _no_references(kind: str, name: str) -> Any:
    raise Unknown(f"{kind}.{name}")  # an instance's attributes are read without the module's values


def resolver(
    variable: Callable[[str], tuple[bool, Any]],
    local: Callable[[str], str | None] | None,
    data: Callable[[str], Any] | None = None,
) -> Callable[[str, str], Any]:
    """Reads ``var.x`` through ``variable``, ``local.x`` by evaluating its expression text and
    ``data.type.name`` through ``data`` (which raises ``Unknown``)."""

    def resolve(kind: str, name: str, seen: frozenset[str] = frozenset()) -> Any:
        if kind == "var":
            known, value = variable(name)
            if not known:
                raise Unknown(f"var.{name}")
            return value
        if kind == "data":
            if data is None:
                raise Unknown(f"data.{name}")
            return data(name)
        expression = local(name) if local is not None and name not in seen else None
        if expression is None:
            raise Unknown(f"local.{name}")  # unknown, or a local that refers to itself
        return evaluate(expression, lambda k, n: resolve(k, n, seen | {name}))

    return resolve


def uses_each(conf: Any) -> bool:
    """Whether a configuration refers to ``each.key``/``each.value`` anywhere."""
    if isinstance(conf, dict):
        return any(uses_each(v) for k, v in conf.items() if k != "for_each")
    if isinstance(conf, list):
        return any(uses_each(v) for v in conf)
    return isinstance(conf, str) and "each." in conf


def each_instances(
    address: str, conf: dict[str, Any], items: list[Item] | None, resolve: Callable[[str, str], Any] | None = None
) -> list[tuple[Any, str, dict[str, Any]]]:
    """(each.key, address, configuration) of every instance of a ``for_each`` Checkov did not
    expand, where its keys are known and the configuration reads ``each``; else (None, the
    address, the configuration as it is)."""
    if not items or not uses_each(conf):
        return [(None, address, conf)]
    return [(key, f"{address}[{_key_text(key)}]", with_instance(conf, key, value, resolve)) for key, value in items]


def _key_text(key: Any) -> str:
    """A for_each key as Terraform writes it in an address (keys are strings)."""
    return '"' + str(key).replace("\\", "\\\\").replace('"', '\\"') + '"'


def with_instance(
    conf: dict[str, Any], key: Any, value: Any, resolve: Callable[[str, str], Any] | None = None
) -> dict[str, Any]:
    """A copy of the configuration for one ``for_each`` instance: ``each.key``, ``each.value``
    and ``each.value.attr`` replaced by their values, and expressions over ``each`` evaluated
    (``var.x``/``local.x`` in them through ``resolve``); anything else about ``each`` stays text."""
    out = copy.deepcopy(conf)
    out.pop("for_each", None)
    return _substitute(out, {"each": {"key": key, "value": value}}, resolve or _no_references)


def render_dynamic(
    conf: dict[str, Any], written: list[Dynamic], resolve: Callable[[str, str], Any], scope: dict[str, Any]
) -> None:
    """Render in place the ``dynamic`` blocks of ``conf`` from their ``for_each`` as written
    (``written``, in source order), evaluated with the module call's values and the enclosing
    iterators (``scope``). Checkov renders such a ``for_each`` lossily (``statement.value.
    condition != null ? ... : []`` became ``statement.value.condition``, ``["*"]`` became
    ``"*"``, ``length(local.grants) > 0 ? [true] : []`` became ``[true]`` for no grants) and
    then keeps the content as one block of iterator text, either as a ``dynamic`` entry with
    its ``content`` or merged into the blocks of that name: terraform-aws-iam's policy
    documents read ``effect = statement.value.effect``. The blocks generated replace those,
    and a rendered entry leaves the ``dynamic`` list, so that expanding the rest again adds
    nothing twice. A ``for_each`` that cannot be known leaves its block as Checkov has it."""
    elements = conf.get("dynamic") if isinstance(conf.get("dynamic"), list) else []
    entries: dict[str, list[tuple[int, Any]]] = {}
    for i, element in enumerate(elements):
        for name, body in element.items() if isinstance(element, dict) and len(element) == 1 else ():
            entries.setdefault(name, []).append((i, body))
    rendered: set[int] = set()
    for source in written:
        queue = entries.get(source.name)
        if queue:
            i, body = queue.pop(0)
            blocks = _render_source(source, body, resolve, scope)
            if blocks is not None:
                rendered.add(i)
                if blocks:
                    conf[source.name] = [*(_blocks(conf.get(source.name))), *blocks]
            continue
        merged = _blocks(conf.get(source.name))  # the content Checkov merged in as it is written
        if len(merged) == 1 and isinstance(merged[0], dict) and _mentions(merged[0], source.iterator):
            blocks = _render_source(source, {"content": merged}, resolve, scope)
            if blocks:
                conf[source.name] = blocks
            elif blocks is not None:
                conf.pop(source.name)
    if rendered:
        left = [e for i, e in enumerate(elements) if i not in rendered]
        if left:
            conf["dynamic"] = left
        else:
            conf.pop("dynamic")


def dynamic_items(
    source: Dynamic, resolve: Callable[[str, str], Any], scope: dict[str, Any]
) -> list[tuple[Any, Any]] | None:
    """The (key, value) pairs a dynamic block iterates, from its ``for_each`` as written; None
    when they cannot be known. A dynamic block iterates any collection: a list's keys are its
    indexes."""
    if source.for_each is None:
        return None
    try:
        value = evaluate(source.for_each, resolve, scope)
    except Unknown:
        return None
    return list(enumerate(value)) if isinstance(value, list) else for_each_pairs(value)


def _render_source(
    source: Dynamic, body: Any, resolve: Callable[[str, str], Any], scope: dict[str, Any]
) -> list[dict[str, Any]] | None:
    """The blocks one dynamic block generates, from Checkov's entry for it (its ``content``
    as written, or the blocks it rendered); None when they cannot be known."""
    items = dynamic_items(source, resolve, scope)
    if items is None:
        return None
    if isinstance(body, dict) and "content" in body:
        templates = _blocks(body["content"])
    else:
        templates = _blocks(body)
        if not items:
            return []
        if templates and all(t == templates[0] for t in templates) and _mentions(templates[0], source.iterator):
            templates = templates[:1]  # copies of the content as written, the iterator left as text
        elif len(templates) == len(items):
            out = []  # rendered by Checkov, one block per item: only what is nested is rendered again
            for (key, item), block in zip(items, templates, strict=True):
                if not isinstance(block, dict):
                    return None
                block = copy.deepcopy(block)
                render_dynamic(block, source.inner, resolve, {**scope, source.iterator: {"key": key, "value": item}})
                out.append(block)
            return out
    if len(templates) != 1 or not isinstance(templates[0], dict):
        return None
    blocks = []
    for key, item in items:
        inner = {**scope, source.iterator: {"key": key, "value": item}}
        block = _without_nulls(_substitute(copy.deepcopy(templates[0]), inner, resolve))
        render_dynamic(block, source.inner, resolve, inner)
        blocks.append(block)
    return blocks


def _mentions(node: Any, iterator: str) -> bool:
    """Whether a block still holds text about the iterator (``grant.value.type``)."""
    return f"{iterator}." in repr(node)


def _blocks(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _without_nulls(conf: dict[str, Any]) -> dict[str, Any]:
    """Arguments that came out null are not set, as Terraform treats them, in nested blocks
    too (``grantee { uri = try(grant.value.uri, null) }``)."""
    out: dict[str, Any] = {}
    for key, value in conf.items():
        if value is None or value == [None]:
            continue
        if isinstance(value, dict):
            value = _without_nulls(value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            value = [_without_nulls(v) for v in value]
        out[key] = value
    return out


def _substitute(node: Any, scope: dict[str, Any], resolve: Callable[[str, str], Any]) -> Any:
    return to_conf(_substituted(node, scope, resolve))


def _substituted(node: Any, scope: dict[str, Any], resolve: Callable[[str, str], Any]) -> Any:
    """``node`` with references to the iterators of ``scope`` (``each``, a dynamic block's
    ``statement``) replaced by their values and expressions over them evaluated; anything
    else about them stays text."""
    if isinstance(node, dict):
        return {k: _substituted(v, scope, resolve) for k, v in node.items()}
    if isinstance(node, list):
        return [_substituted(v, scope, resolve) for v in node]
    if not isinstance(node, str) or not any(f"{name}." in node for name in scope):
        return node
    text = node.strip()
    m = _ITERATOR.match(text)
    if m and "value" in scope.get(m.group("name"), {}):  # an iterator, not ``count``
        iterator = scope[m.group("name")]
        attribute = m.group("attr") or m.group("key_attr")
        value = iterator["value"]
        if attribute is None:
            return iterator["key"] if m.group("part") == "key" else value
        if m.group("part") == "value":
            return value[attribute] if isinstance(value, dict) and attribute in value else node
    try:  # an expression (``try(coalesce(each.value.to_port, each.value.from_port), null)``)
        return evaluate(text, resolve, scope)
    except Unknown:
        pass
    for name, iterator in scope.items():
        for part in ("key", "value"):  # written into a string: ``"${rule.value}-logs"``
            written = iterator.get(part)
            if isinstance(written, (str, int, float)) and not isinstance(written, bool):
                pattern = r"\$\{\s*" + re.escape(name) + r"\." + part + r"\s*\}"
                node = re.sub(pattern, lambda _, text=str(written): text, node)
    return node
