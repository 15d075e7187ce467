"""The evaluator of the conditions that switch Terraform resources on and off. Checkov's own
evaluator reduces several of these wrongly; the expected values are Terraform's."""

from __future__ import annotations

import pytest

from soc2_checks.iac.tf_expressions import (
    Partial,
    Unknown,
    UnknownValue,
    evaluate,
    evaluate_count,
    evaluate_for_each,
    evaluate_value,
    formatlist_text,
    to_conf,
    try_arguments,
    with_optional_defaults,
)

VALUES = {("var", "on"): True, ("var", "off"): False, ("var", "n"): 3, ("var", "name"): "x", ("var", "none"): None}


def resolve(kind: str, name: str):
    try:
        return VALUES[(kind, name)]
    except KeyError:
        raise Unknown(f"{kind}.{name}") from None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("false && !false ? 1 : 0", 0),  # Checkov: "!false ? 1 : 0"
        ("(false && true) && true ? 1 : 0", 0),  # Checkov: 1
        ("!(true) ? 1 : 0", 0),  # Checkov leaves it as text
        ("var.on && !var.off ? 1 : 0", 1),
        ("var.on && var.off ? 1 : 0", 0),
        ("var.off || var.on ? 2 : 0", 2),
        ("var.n", 3),
        ("var.n > 2 ? var.n - 1 : 0", 2),
        ('var.name == "x" ? 1 : 0', 1),
        ("var.none == null ? 0 : 1", 0),
        ("var.n == 3.0 ? 1 : 0", 1),  # numbers compare as numbers
        ('var.n == "3" ? 1 : 0', 0),  # a string is not a number
        ('length(["a", "b"])', 2),
        ("${var.on ? 1 : 0}", 1),
        ("True ? 1 : 0", 1),  # Checkov's rendering writes Python's spelling
        ("var.on ? var.off ? 1 : 2 : 3", 2),
        ('"true" ? 1 : 0', 1),  # Terraform converts the string to a bool
        # decided by the left operand, whatever the right one is (terraform-aws-rds-aurora)
        ("var.off && anytrue([for k, v in var.x : v.a != null && v.b > 0]) ? 1 : 0", 0),
        ("var.off && var.on && (local.x || var.n > 0) ? 1 : 0", 0),
        ("var.on || var.unset ? 2 : 0", 2),
        ("var.off && var.unset == 1 || var.on ? 3 : 0", 3),
    ],
)
def test_terraform_semantics(text, expected):
    assert evaluate_count(text, resolve) == expected


@pytest.mark.parametrize(
    "text",
    [
        "var.unset ? 1 : 0",  # no known value
        "local.x ? 1 : 0",
        'data.aws_region.current.name == "x" ? 1 : 0',
        "length(var.subnets)",
        'var.name == "${var.other}" ? 1 : 0',  # a template
        "var.n ? 1 : 0",  # a number is not a bool
        "var.on ? 1",  # incomplete
        "anytrue([var.on])",  # a function it does not know
        "var.on ? 1 : 0 garbage",
        "var.on ? true : 0",  # a bool is not a count
        "var.n - 5",  # negative
        "var.on && var.unset ? 1 : 0",  # the right operand decides, and is unknown
        "var.off && ? 1 : 0",
    ],
)
def test_anything_it_cannot_know_is_unknown(text):
    assert evaluate_count(text, resolve) is None


def test_values_other_than_counts():
    assert evaluate("[1, 2] ", resolve) == [1, 2]
    assert evaluate("var.name", resolve) == "x"
    with pytest.raises(Unknown):
        evaluate("var.n / 0", resolve)


MAP = {"a": {"on": True, "port": 22}, "b": {"on": False, "port": 80}}


def resolve_map(kind: str, name: str):
    if (kind, name) == ("var", "rules"):
        return MAP
    return resolve(kind, name)


def test_collections_for_expressions_and_functions():
    assert evaluate("{ for k, v in var.rules : k => v if v.on }", resolve_map) == {"a": MAP["a"]}
    assert evaluate("[for k, v in var.rules : v.port]", resolve_map) == [22, 80]
    assert evaluate('var.rules["b"].port', resolve_map) == 80
    assert evaluate('lookup(var.rules, "c", {})', resolve_map) == {}
    assert evaluate("length(keys(var.rules))", resolve_map) == 2
    assert evaluate('toset(["b", "a", "b"])', resolve_map) == ["a", "b"]
    assert evaluate('merge({ x = 1 }, { "y" = 2 })', resolve_map) == {"x": 1, "y": 2}
    assert evaluate("try(var.rules.c.port, 0)", resolve_map) == 0  # an attribute that is not there
    assert evaluate("coalesce(null, var.n)", resolve_map) == 3
    assert evaluate('coalescelist([], ["a"], ["b"])', resolve_map) == ["a"]
    with pytest.raises(Unknown):
        evaluate('coalescelist(var.unset, ["a"])', resolve_map)  # it may be the non-empty one
    # the unknown element is carried, not read: "arn:${local.partition}:s3:::*" (terraform-aws-iam)
    assert evaluate('coalescelist([], ["arn:${local.p}:x"])', resolve_map) == [UnknownValue('"arn:${local.p}:x"')]
    with pytest.raises(Unknown):
        evaluate("try(var.unset, 0)", resolve_map)  # unknown is not an error: try() cannot choose
    # terraform-aws-s3-bucket's grants: a list given where JSON text is expected falls through
    assert evaluate("try(jsondecode(var.rules), var.rules)", resolve_map) == MAP
    assert evaluate('jsondecode("[{\\"a\\": 1}]")', resolve_map) == [{"a": 1}]
    assert evaluate("flatten([[1, [2]], [], 3])", resolve_map) == [1, 2, 3]


def test_for_each_pairs_in_terraforms_order():
    assert evaluate_for_each("{ for k, v in var.rules : k => v.port }", resolve_map) == [("a", 22), ("b", 80)]
    assert evaluate_for_each('toset(["y", "x"])', resolve_map) == [("x", "x"), ("y", "y")]
    assert evaluate_for_each("var.on ? var.rules : {}", resolve_map) == sorted(MAP.items())
    assert evaluate_for_each("var.off ? var.rules : {}", resolve_map) == []
    assert evaluate_for_each("var.unset", resolve_map) is None
    assert evaluate_for_each("[1, 2]", resolve_map) is None  # a list of numbers is not a set of strings
    # values that cannot be known, filtered out by a condition that does not read them
    # (terraform-aws-iam: "arn:${local.partition}:iam::aws:policy/...")
    assert evaluate_for_each('{ for k, v in { a = "arn:${local.p}:x" } : k => v if var.off }', resolve_map) == []
    # kept: the key is known, its value known only when applied
    pairs = evaluate_for_each('{ for k, v in { a = "arn:${local.p}:x" } : k => v if var.on }', resolve_map)
    assert pairs == [("a", UnknownValue('"arn:${local.p}:x"'))]
    assert to_conf(pairs[0][1]) == "arn:${local.p}:x"  # written as Checkov writes a template
    assert evaluate_for_each('{ for k, v in { a = "x${var.name}" } : k => v if var.on }', resolve_map) == [("a", "xx")]


def test_optional_attributes_get_their_defaults():
    declared = (
        "${map(object({'from_port': 'number', 'to_port': '${optional(number)}', "
        "'ip_protocol': '${optional(string,\"tcp\")}', 'tags': '${optional(map(string),{})}'}))}"
    )
    filled = with_optional_defaults(declared, {"a": {"from_port": 22}, "b": {"from_port": 1, "ip_protocol": "udp"}})
    assert filled["a"] == {"from_port": 22, "to_port": None, "ip_protocol": "tcp", "tags": {}}
    assert filled["b"]["ip_protocol"] == "udp"
    assert with_optional_defaults("map(string)", {"a": "x"}) == {"a": "x"}


def test_splat_over_data_sources():
    """``flatten(concat(data.aws_iam_policy_document.a[*].json, ...))``: a counted data source
    is the list of its instances, a single one is wrapped by the splat; attributes the
    resolver does not give are unknown, not absent."""
    sources = {"aws_iam_policy_document.a": [Partial(json="A0")], "aws_iam_policy_document.b": Partial(json="B")}

    def resolve_data(kind: str, name: str):
        if kind == "data" and name in sources:
            return sources[name]
        return resolve(kind, name)

    text = "flatten(concat(data.aws_iam_policy_document.a[*].json, data.aws_iam_policy_document.b[*].json))"
    assert evaluate(text, resolve_data) == ["A0", "B"]
    assert evaluate("data.aws_iam_policy_document.b.json", resolve_data) == "B"
    with pytest.raises(Unknown):
        evaluate("try(data.aws_iam_policy_document.b.minified_json, 1)", resolve_data)
    with pytest.raises(Unknown):
        evaluate("data.aws_caller_identity.current.account_id", resolve_data)


def test_values_unknown_inside_known_ones_are_kept_as_unknown_elements():
    """As Terraform keeps unknown values inside known ones: an object with a value known only
    when applied is known around it, and anything that reads that value is unknown."""
    text = '{ sse = "aws:kms", key = aws_kms_key.x.arn, azs = [element(var.azs, 0), "b"] }'
    value = evaluate(text, resolve)
    assert value == {
        "sse": "aws:kms",
        "key": UnknownValue("aws_kms_key.x.arn"),
        "azs": [UnknownValue("element(var.azs, 0)"), "b"],
    }
    assert to_conf(value)["key"] == "${aws_kms_key.x.arn}"  # as Checkov writes what it cannot render
    assert evaluate("length(keys({ a = var.unset, b = 1 }))", resolve) == 2  # moved, not read
    assert evaluate('lookup({ a = var.unset, b = 1 }, "b")', resolve) == 1
    assert evaluate("flatten([{ a = var.unset }])", resolve) == [{"a": UnknownValue("var.unset")}]
    assert evaluate("{ a = var.unset } != null", resolve) is True  # a map is not null, whatever it holds
    for unknown in (
        "[var.unset] == [1]",  # comparing it
        "{ a = var.unset }.a ? 1 : 0",  # deciding on it
        'join(",", [var.unset])',  # reading it
        "flatten([var.unset])",  # it may be a list
        'toset([var.unset, "a"])',
        "try({ a = var.unset }.a.b, 0)",  # not known is not an error: try() cannot choose
    ):
        with pytest.raises(Unknown):
            evaluate(unknown, resolve)
    assert evaluate("try(jsondecode({ a = var.unset }), 0)", resolve) == 0  # an error whatever it holds


def test_formatlist_formats_each_element():
    assert evaluate('formatlist("%s:*", ["a", "b"])', resolve) == ["a:*", "b:*"]
    assert evaluate('formatlist("%s-%d", ["a", "b"], 7)', resolve) == ["a-7", "b-7"]  # a scalar for every element
    assert evaluate('formatlist("100%% %v", [var.name])', resolve) == ["100% x"]
    for unknown in ('formatlist("%s", var.unset)', 'formatlist("%q", ["a"])', 'formatlist("%s%s", ["a"], ["b", "c"])'):
        with pytest.raises(Unknown):
            evaluate(unknown, resolve)


def test_a_value_keeps_the_unknown_part_it_comes_to():
    """An argument's value where part of it is known only when applied: the branch a known
    condition takes is that part, whatever the other branch holds."""
    text = 'var.on ? formatlist("%s:*", aws_cloudwatch_log_group.this[*].arn) : [var.unset]'
    assert evaluate_value(text, resolve) == UnknownValue('formatlist("%s:*", aws_cloudwatch_log_group.this[*].arn)')
    assert evaluate_value(text.replace("var.on", "var.off"), resolve) == [UnknownValue("var.unset")]
    assert evaluate_value('coalescelist([], ["*"])', resolve) == ["*"]
    assert evaluate_value("var.unset ? 1 : 0", resolve) == UnknownValue("var.unset ? 1 : 0")  # the condition itself
    with pytest.raises(Unknown):
        evaluate("var.on ? aws_kms_key.x.arn : 0", resolve)  # evaluate() still knows all or nothing


def test_the_text_every_formatlist_element_holds():
    assert formatlist_text('${formatlist("%s:*", aws_cloudwatch_log_group.this[*].arn)}') == ":*"
    assert formatlist_text('formatlist("arn:${local.partition}:s3:::%s/*", var.buckets)') == "arn::s3:::/*"
    assert formatlist_text('formatlist("%-1s", var.x)') == ""  # a verb with flags and width is not text
    assert formatlist_text('formatlist("*%s", var.x)') == "*"  # "*" for an empty value
    assert formatlist_text('formatlist("100%%", var.x)') == "100%"
    assert formatlist_text("concat(var.x)") is None
    assert formatlist_text("formatlist(var.format, var.x)") is None


def test_format_and_a_value_written_into_a_template_keep_their_known_text():
    """terraform-aws-lambda's logs policy: ``resources = flatten([for _, v in ["%v:*",
    "%v:*:*"] : format(v, local.log_group_arn)])``, with the log group's ARN known only when
    applied. Each element is a string whose text around that ARN is known, written as the
    template it equals; any operation on it stays unknown."""
    assert evaluate('format("%s-%d", "a", 3)', resolve) == "a-3"
    text = 'flatten([for _, v in ["%v:*", "%v:*:*"] : format(v, var.arn)])'
    assert to_conf(evaluate_value(text, resolve)) == ["${var.arn}:*", "${var.arn}:*:*"]
    with pytest.raises(Unknown):
        evaluate(text, resolve)  # a value, not a template: unknown
    assert to_conf(evaluate_value('[for v in ["a", "b"] : "${v}-${var.name}-${var.arn}"]', resolve)) == [
        "a-x-${var.arn}",
        "b-x-${var.arn}",
    ]
    assert to_conf(evaluate_value('[format("%v", var.arn), format("%d", var.arn)]', resolve)) == [
        "${var.arn}",
        '${format("%d", var.arn)}',  # only %s and %v are written into a template
    ]
    assert evaluate_value('"${var.arn}" == "*"', resolve) == UnknownValue('"${var.arn}" == "*"')
    assert evaluate_value("flatten([var.arn])", resolve) == UnknownValue("flatten([var.arn])")  # it may be a list
    with pytest.raises(Unknown):
        evaluate_value('{"${var.arn}" = 1}', resolve)  # an object key that is not known


@pytest.mark.parametrize(
    ("expression", "arguments"),
    [
        ("try(aws_sqs_queue.this[0].arn,None)", ["aws_sqs_queue.this[0].arn", "None"]),
        ('try(a, "x,)", f(b, c))', ["a", '"x,)"', "f(b, c)"]),
        ("try(local.x, {a = 1, b = [2, 3]})", ["local.x", "{a = 1, b = [2, 3]}"]),
        ("try(a) + try(b)", None),  # not one call
        ("lookup(a, b)", None),
        ("try()", None),
    ],
)
def test_the_arguments_of_one_try_call(expression, arguments):
    assert try_arguments(expression) == arguments
