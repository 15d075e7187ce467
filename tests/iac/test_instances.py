"""Instances of a Terraform resource whose ``count``/``for_each`` Checkov left as text."""

from __future__ import annotations

import pytest

from soc2_checks.iac.instances import count_value, for_each_items, never_created, uses_each, with_instance


@pytest.mark.parametrize(
    ("for_each", "expected"),
    [
        ("{for k , v in {} : k :> v if True}", []),
        ("{for k , v in {'a': 'x'} : k :> v if True && False}", []),
        ("['{for k , v in {'a': 'arn:x', 'b': 'arn:y'} : k :> v if True}']", [("a", "arn:x"), ("b", "arn:y")]),
        ("{for k , v in {'a': 'x'} : k :> v}", [("a", "x")]),
        ({"a": "x"}, [("a", "x")]),
        (["a", "b"], [("a", "a"), ("b", "b")]),
        ({}, []),
    ],
)
def test_for_each_items_that_can_be_known(for_each, expected):
    assert for_each_items({"for_each": [for_each]}) == expected


@pytest.mark.parametrize(
    "for_each",
    [
        "${var.rules}",
        "{for k , v in var.policies : k :> v if True}",
        "{for k , v in {'a': 'x'} : k :> v if var.create}",  # the filter depends on a variable
        "{for k , v in {'a': 'x'} : k :> v if True || False}",
        "{for k , v in {'a': {'p': 1}} : k :> v.p if True}",  # maps each element to something else
    ],
)
def test_for_each_items_that_cannot_be_known(for_each):
    assert for_each_items({"for_each": [for_each]}) is None


def test_never_created():
    assert never_created({"count": [0]})
    assert never_created({"for_each": ["{for k , v in {} : k :> v if True}"]})
    assert not never_created({"count": [1]})
    assert not never_created({"for_each": ["${var.x}"]})
    assert not never_created({})


def test_count_is_evaluated_with_its_variables_substituted():
    values = {"is_directory": (True, True), "create": (True, False), "n": (True, 3), "unset": (False, None)}

    def variable(name):
        return values.get(name, (False, None))

    assert count_value("!var.is_directory ? 1 : 0", variable) == 0
    assert count_value("var.create ? 1 : 0", variable) == 0
    assert count_value("var.n", variable) == 3
    assert count_value("var.unset ? 1 : 0", variable) is None  # a variable without a value
    assert count_value("local.create ? 1 : 0", variable) is None  # not a variable
    assert count_value("var.is_directory && local.x ? 1 : 0", variable) is None
    assert count_value("var.create && local.x ? 1 : 0", variable) == 0  # decided by its left side


def test_instance_substitution():
    conf = {"for_each": ["..."], "role": ["ops"], "policy_arn": ["each.value"], "name": ["${each.key}-x"]}
    assert uses_each(conf)
    one = with_instance(conf, "admin", "arn:aws:iam::aws:policy/AdministratorAccess")
    assert one == {"role": ["ops"], "policy_arn": ["arn:aws:iam::aws:policy/AdministratorAccess"], "name": ["admin-x"]}
    rule = with_instance(
        {"ip_protocol": ["each.value.ip_protocol"], "cidr": ['each.value["cidr"]']}, "k", {"ip_protocol": "tcp"}
    )
    assert rule == {"ip_protocol": ["tcp"], "cidr": ['each.value["cidr"]']}  # a missing attribute stays unresolved


def test_count_reads_locals_through_their_own_expressions():
    values = {"create": (True, False), "enabled": (True, True), "ignore": (True, True)}
    locals_ = {"create": "var.create && var.enabled", "loop": "local.loop", "on": "var.enabled"}

    def variable(name):
        return values.get(name, (False, None))

    assert count_value("local.create ? 1 : 0", variable, locals_.get) == 0
    assert count_value("local.on && !var.ignore ? 1 : 0", variable, locals_.get) == 0
    assert count_value("local.on && var.ignore ? 1 : 0", variable, locals_.get) == 1
    assert count_value("local.loop ? 1 : 0", variable, locals_.get) is None  # refers to itself
    assert count_value("local.missing ? 1 : 0", variable, locals_.get) is None
