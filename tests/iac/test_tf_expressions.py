"""The evaluator of the conditions that switch Terraform resources on and off. Checkov's own
evaluator reduces several of these wrongly; the expected values are Terraform's."""

from __future__ import annotations

import pytest

from soc2_checks.iac.tf_expressions import Unknown, evaluate, evaluate_count

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
        "coalesce(var.n, 1)",  # a function it does not know
        "var.on ? 1 : 0 garbage",
        "var.on ? true : 0",  # a bool is not a count
        "var.n - 5",  # negative
    ],
)
def test_anything_it_cannot_know_is_unknown(text):
    assert evaluate_count(text, resolve) is None


def test_values_other_than_counts():
    assert evaluate("[1, 2] ", resolve) == [1, 2]
    assert evaluate("var.name", resolve) == "x"
    with pytest.raises(Unknown):
        evaluate("var.n / 0", resolve)
