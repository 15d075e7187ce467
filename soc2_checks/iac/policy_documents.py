"""IAM policy documents as written in Terraform and CloudFormation, in the JSON form rules read.

Terraform writes a policy as ``jsonencode({...})`` (Checkov renders it to a dict), as a
heredoc or string of JSON, or as ``data "aws_iam_policy_document"`` referenced by ``.json``;
CloudFormation writes a mapping that may hold intrinsic functions. Every form becomes
``{"Statement": [...]}`` with ``Effect``/``Action``/``NotAction``/``Resource``/``NotResource``.

Precision is kept where it is safe: a value that cannot be resolved is placed *inside* the
document as :class:`~soc2_checks.model.Unknown` (one action, one resource, one statement),
so a policy with a definite ``Action: "*"`` still fails on that statement while an unresolved
one elsewhere keeps it from passing.
"""

from __future__ import annotations

import copy
import json
from typing import TYPE_CHECKING, Any

from ..model import Unknown
from . import cfn_values
from .tf_expressions import NULLS, formatlist_text, interpolation_end, literal, try_arguments
from .tf_expressions import Unknown as Unresolved
from .tf_graph import BlockRef
from .values import ABSENT, expand_dynamic, is_expression, raw, strip_interpolation, unwrap

if TYPE_CHECKING:
    from .tf_graph import TfBlock, TfIndex

_FIELDS = (
    ("actions", "Action"),
    ("not_actions", "NotAction"),
    ("resources", "Resource"),
    ("not_resources", "NotResource"),
)
"""A Terraform statement's list arguments and the policy JSON keys they become."""
STRING_FIELDS = tuple(key for _, key in _FIELDS)
_ARN_LIKE_ATTRIBUTES = ("arn", "id", "name", "bucket", "repository_url", "invoke_arn")
_MAX_DEPTH = 5


# -- Terraform ---------------------------------------------------------------------------


def tf_document(
    value: Any, where: str, attribute: str = "policy", block: TfBlock | None = None, index: TfIndex | None = None
) -> Any:
    """The policy document of a Terraform ``policy`` attribute (already unwrapped); a reference
    to ``data "aws_iam_policy_document"`` is followed through the graph when one is given."""
    if value is ABSENT or value is None:
        return Unknown(f"{where} is not set")
    if isinstance(value, dict):
        return _tf_normalise(value, where)
    if not isinstance(value, str):
        return Unknown(f"{where} is {type(value).__name__}, not a policy document")
    text = value.strip()
    if text.startswith("{"):
        try:
            parsed = json.loads(text)
        except ValueError:
            if "${" in text:
                return Unknown(f"{where} is JSON with an interpolation that cannot be resolved")
            return Unknown(f"{where} is not valid JSON")
        return _tf_normalise(parsed, where) if isinstance(parsed, dict) else Unknown(f"{where} is not a JSON object")
    reference = strip_interpolation(text)
    if index is not None and block is not None and reference.endswith(".json"):
        documents = [b for b in index.follow(block, attribute) if b.kind == "data"]
        documents = [b for b in documents if b.type == "aws_iam_policy_document"]
        if len(documents) > 1:  # several inline policies of one role: pick the one named
            named = reference.removesuffix(".json").rsplit(".", 1)[-1]
            documents = [b for b in documents if b.base.rsplit(".", 1)[-1] == named]
        if len(documents) == 1:
            return tf_data_document(documents[0], index)
    return Unknown(f"{where} is {reference!r}, which cannot be resolved from the source")


def tf_data_document(block: TfBlock, index: TfIndex | None, depth: int = 0) -> Any:
    """``data "aws_iam_policy_document"`` as JSON. Statements merged in from
    ``source_policy_documents``/``override_policy_documents`` are all kept: every rule on
    policies asks "does any statement grant ...", so keeping more statements never hides one."""
    conf = block.conf
    if "dynamic" in conf:
        conf = copy.deepcopy(conf)
        expand_dynamic(conf)
    where = f"data.{block.address}"
    statements: list[Any] = []
    blocks = conf.get("statement") or []
    if not isinstance(blocks, list):
        blocks = [blocks]
    written: list[tuple[dict[str, str], dict[str, Any]]] | None = None  # read when first needed
    for i, stmt in enumerate(blocks):
        if isinstance(stmt, dict):
            statement = _tf_statement(stmt, f"{where} statement {i + 1}")
            if index is not None and any(_unsettled(statement.get(key)) for _, key in _FIELDS):
                if written is None:
                    written = index.nested_sources(block, "statement") or []
                if len(written) == len(blocks):
                    statement = _from_written(statement, stmt, written[i], block, index, f"{where} statement {i + 1}")
            statements.append(statement)
        else:
            statements.append(Unknown(f"{where} statement {i + 1} cannot be resolved"))
    for attribute in ("source_policy_documents", "override_policy_documents", "source_json", "override_json"):
        value = raw(conf, attribute)
        if value is ABSENT:
            continue
        statements.extend(_included(block, attribute, value, index, depth))
    return {"Version": "2012-10-17", "Statement": statements}


def _included(block: TfBlock, attribute: str, value: Any, index: TfIndex | None, depth: int) -> list[Any]:
    where = f"data.{block.address}.{attribute}"
    if depth >= _MAX_DEPTH:
        return [Unknown(f"{where} nests policy documents too deeply")]
    items = value if isinstance(value, list) else [value]
    out: list[Any] = []
    linked = [b for b in index.follow(block, attribute) if b.kind == "data"] if index is not None else []
    if index is not None and not linked and any(isinstance(i, str) and is_expression(i) for i in items):
        from_source = _from_source(block, attribute, index, depth)
        if from_source is not None:
            return from_source
    for item in items:
        if isinstance(item, dict) or (isinstance(item, str) and item.strip().startswith("{")):
            doc = tf_document(item, where)
            out.extend(_statements_of(doc, where))
        elif isinstance(item, str) and is_expression(item) and linked:
            continue  # resolved through the graph below
        else:
            out.append(Unknown(f"{where} holds {strip_interpolation(str(item))!r}, which cannot be resolved"))
    for other in linked:
        if other.type == "aws_iam_policy_document":
            out.extend(_statements_of(tf_data_document(other, index, depth + 1), where))
    if not linked and any(isinstance(i, str) and is_expression(i) for i in items):
        out.append(Unknown(f"{where} refers to a document that cannot be resolved"))
    return out


def _from_source(block: TfBlock, attribute: str, index: TfIndex, depth: int) -> list[Any] | None:
    """The statements of documents included through an expression Checkov leaves as text,
    evaluated from the source: terraform-aws-iam's ``source_policy_documents =
    local.source_policy_documents``, a ``flatten(concat(...))`` of other documents'
    ``[*].json`` whose ``count`` says which exist. None when the value cannot be known."""
    where = f"data.{block.address}.{attribute}"
    try:
        value = index.argument_value(block, attribute)
    except Unresolved:
        return None
    out: list[Any] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, BlockRef) and item.block.type == "aws_iam_policy_document":
            out.extend(_statements_of(tf_data_document(item.block, index, depth + 1), where))
        elif isinstance(item, (dict, str)):
            out.extend(_statements_of(tf_document(item, where), where))
        else:
            return None
    return out


def _unsettled(field: Any) -> bool:
    """Checkov's rendering of a statement's field could not be read: an expression it left as
    text, or a list it wrote out as one string (``[var.destination]`` with ``destination =
    "*"`` becomes ``"[*]"``)."""
    return isinstance(field, Unknown) or (isinstance(field, list) and any(isinstance(x, Unknown) for x in field))


def _written_out_list(value: str) -> bool:
    """No action or ARN is written in brackets: ``"[*]"`` is a list rendered as one string."""
    text = value.strip()
    return text.startswith("[") and text.endswith("]")


def _from_written(
    statement: dict[str, Any],
    stmt: dict[str, Any],
    written: tuple[dict[str, str], dict[str, Any]],
    block: TfBlock,
    index: TfIndex,
    where: str,
) -> dict[str, Any]:
    """A statement whose actions or resources Checkov rendered in part, with those it could not
    read taken from the source and evaluated as the module call sees them: terraform-aws-iam's
    ``resources = coalescelist(var.bucket_arns, [...])``, the flow-log module's ``resources =
    local.create_log_group ? formatlist("%s:*", aws_cloudwatch_log_group.this[*].arn) :
    [var.destination]``. ``written`` is the statement as written, found by its place among the
    written and generated ones: nothing is read from it unless it is the statement rendered."""
    arguments, scope = written
    if not _same_statement(stmt, arguments):
        return statement
    fixed = dict(statement)
    for attribute, key in _FIELDS:
        text = arguments.get(attribute)
        if text is None or not _unsettled(statement.get(key)):
            continue
        try:
            value = index.written_value(block, text, scope)
        except Unresolved:
            continue
        fixed[key] = _tf_field(value, key, f"{where} {attribute}", evaluated=True)
    return fixed


def _same_statement(stmt: dict[str, Any], arguments: dict[str, str]) -> bool:
    """Every argument written as a literal (a ``sid``, an ``effect``, a list of actions) has
    the value Checkov rendered, in any order."""
    for attribute in ("sid", "effect", "actions", "not_actions", "resources", "not_resources"):
        text = arguments.get(attribute)
        if text is None:
            continue
        try:
            value = literal(text)
        except Unresolved:
            continue  # refers to something: Checkov's rendering of it may differ
        if _as_set(value) != _as_set(raw(stmt, attribute)):
            return False
    return True


def _as_set(value: Any) -> list[str]:
    """A literal as a sorted list of its elements' texts: Checkov sorts some lists (actions)."""
    return sorted(repr(v) for v in (value if isinstance(value, list) else [value]))


def _statements_of(doc: Any, where: str) -> list[Any]:
    if isinstance(doc, Unknown):
        return [doc]
    stmts = doc.get("Statement", []) if isinstance(doc, dict) else []
    return stmts if isinstance(stmts, list) else [stmts]


def _tf_statement(stmt: dict[str, Any], where: str) -> Any:
    out: dict[str, Any] = {}
    sid = raw(stmt, "sid")
    if isinstance(sid, str) and not is_expression(sid):
        out["Sid"] = sid
    effect = raw(stmt, "effect")
    out["Effect"] = "Allow" if effect is ABSENT else _tf_scalar(effect, "Effect", f"{where} effect")
    for attribute, key in _FIELDS:
        value = raw(stmt, attribute)
        if value is ABSENT:
            continue
        out[key] = _tf_field(value, key, f"{where} {attribute}")
    return out


def _tf_normalise(doc: dict[str, Any], where: str) -> dict[str, Any]:
    statements = doc.get("Statement", [])
    if isinstance(statements, dict):
        statements = [statements]
    if isinstance(statements, str):
        return {"Statement": [Unknown(f"{where} Statement is {statements!r}, which cannot be resolved")]}
    out = []
    for i, stmt in enumerate(statements if isinstance(statements, list) else []):
        label = f"{where} statement {i + 1}"
        if not isinstance(stmt, dict):
            out.append(Unknown(f"{label} is {stmt!r}, which cannot be resolved"))
            continue
        fixed = dict(stmt)
        if "Effect" in fixed:
            fixed["Effect"] = _tf_scalar(fixed["Effect"], "Effect", f"{label} Effect")
        for key in STRING_FIELDS:
            if key in fixed:
                fixed[key] = _tf_field(fixed[key], key, f"{label} {key}")
        out.append(fixed)
    return {**doc, "Statement": out}


def _tf_field(value: Any, key: str, where: str, evaluated: bool = False) -> Any:
    """``evaluated``: the value was evaluated from the source, so an expression left in it is
    one whose value is not known until applied (Checkov's rendering may have dropped a
    condition around it)."""
    value = unwrap(value) if isinstance(value, list) and len(value) == 1 and isinstance(value[0], list) else value
    if isinstance(value, list):
        return [_tf_scalar(v, key, where, evaluated) for v in value]
    if isinstance(value, str) and _is_pure_reference(value) and key not in ("Resource", "NotResource"):
        return Unknown(f"{where} is {strip_interpolation(value)!r}, which cannot be resolved from the source")
    return _tf_scalar(value, key, where, evaluated)


def _tf_scalar(value: Any, key: str, where: str, evaluated: bool = False) -> Any:
    if not isinstance(value, str):
        return value if isinstance(value, (int, float, bool)) else Unknown(f"{where} cannot be resolved")
    if _written_out_list(value):
        return Unknown(f"{where} is {value!r}, a list Checkov wrote out as text, which cannot be resolved")
    if not is_expression(value):
        return value
    if key in ("Resource", "NotResource") and not _is_pure_reference(value) and _is_pattern(value):
        return value  # literal text around an interpolation: an ARN pattern, never exactly "*"
    if key in ("Resource", "NotResource") and _is_arn_reference(value):
        return value  # another resource's ARN or ID
    if key in ("Resource", "NotResource") and evaluated and _holds_text(formatlist_text(value)):
        return value  # formatlist("%s:*", ...): every element holds text of its own, never exactly "*"
    if key in ("Action", "NotAction") and not _is_pure_reference(value):
        return value  # "s3:${var.verb}" is judged as the unknown action it is
    return Unknown(f"{where} is {strip_interpolation(value)!r}, which cannot be resolved from the source")


def _is_pure_reference(value: str) -> bool:
    """The whole value is one expression (``${var.arn}``, or ``${local.x ? ... :
    ['${var.destination}']}`` with interpolations nested in it): it may be exactly "*"."""
    s = value.strip()
    if s.startswith("${"):
        return interpolation_end(s, 0) == len(s)
    return "${" not in s and is_expression(s)


def _is_pattern(value: str) -> bool:
    """A template such as ``arn:aws:s3:::${var.bucket}/*`` is never exactly ``*``: every value
    of it holds its text around the interpolations, unless that text is empty or ``*``
    (``"*${var.suffix}"`` may be), where only interpolations that are ARNs settle it
    (``"${aws_s3_bucket.b.arn}*"``). Text that is itself an expression is not such a template:
    Checkov renders ``format(v, var.arn)`` in a ``for`` as ``flatten([... format(v,${var.x})])``."""
    text, interpolations = _template_parts(value)
    if is_expression(text):
        return False
    return _holds_text(text) or all(_is_arn_reference(i) for i in interpolations)


def _holds_text(text: str | None) -> bool:
    """Text every value of an expression holds keeps it from being exactly ``*``, unless the
    text is empty or ``*`` itself (an empty interpolation beside it)."""
    return text is not None and text not in ("", "*")


def _template_parts(value: str) -> tuple[str, list[str]]:
    """A template's text without its interpolations (what every value of it holds), and the
    interpolations."""
    text: list[str] = []
    interpolations: list[str] = []
    i = 0
    while i < len(value):
        if value.startswith("${", i):
            end = interpolation_end(value, i)
            interpolations.append(value[i:end])
            i = end
        else:
            text.append(value[i])
            i += 1
    return "".join(text), interpolations


def _is_arn_reference(value: str) -> bool:
    ref = strip_interpolation(value)
    alternatives = try_arguments(ref)
    if alternatives is not None:  # try(aws_sqs_queue.this[0].arn, null): an ARN, or no value
        arns = [a for a in alternatives if a not in NULLS]
        return bool(arns) and all(_is_arn_reference(a) for a in arns)
    if ref.startswith(("var.", "local.", "each.", "count.", "module.")) or "(" in ref:
        return False
    last = ref.rsplit(".", 1)[-1]
    return last in _ARN_LIKE_ATTRIBUTES


# -- CloudFormation ----------------------------------------------------------------------


def cfn_document(value: Any, where: str, parameters: frozenset[str] | None) -> Any:
    """A CloudFormation ``PolicyDocument`` (one version of the resource: ``Fn::If`` already
    chosen by :func:`cfn_values.variants`)."""
    if value is None:
        return Unknown(f"{where} is not set")
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return Unknown(f"{where} is not valid JSON")
    if cfn_values.intrinsic(value):
        return cfn_values.unknown(where, value)
    if not isinstance(value, dict):
        return Unknown(f"{where} is not a JSON object")
    doc = cfn_values.strip_meta(value)
    statements = doc.get("Statement", [])
    if isinstance(statements, dict) and not cfn_values.intrinsic(statements):
        statements = [statements]
    if not isinstance(statements, list):
        return {**doc, "Statement": [cfn_values.unknown(f"{where} Statement", statements)]}
    out: list[Any] = []
    for i, stmt in enumerate(statements):
        label = f"{where} statement {i + 1}"
        if not isinstance(stmt, dict) or cfn_values.intrinsic(stmt):
            out.append(cfn_values.unknown(label, stmt))
            continue
        fixed = dict(stmt)
        if "Effect" in fixed:
            fixed["Effect"] = cfn_values.cfn_str(fixed["Effect"], f"{label} Effect")
        for key in STRING_FIELDS:
            if key not in fixed:
                continue
            field_value = fixed[key]
            items = field_value if isinstance(field_value, list) else [field_value]
            resolved = []
            for item in items:
                # An action spelled through an intrinsic keeps its text and is then judged as an
                # action the IAM database does not know: never read-only.
                resolved.append(cfn_values.identifier(item, f"{label} {key}", parameters))
            fixed[key] = resolved if isinstance(field_value, list) else resolved[0]
        out.append(fixed)
    return {**doc, "Statement": out}
