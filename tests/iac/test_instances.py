"""Instances of a Terraform resource whose ``count``/``for_each`` Checkov left as text."""

from __future__ import annotations

import pytest

from soc2_checks.iac.instances import (
    count_value,
    for_each_items,
    never_created,
    render_dynamic,
    resolver,
    uses_each,
    with_instance,
)
from soc2_checks.iac.tf_source import Dynamic


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


def _document(for_each):
    """A policy document's configuration as Checkov leaves it when it cannot render the
    dynamic block: the content as one block of iterator text, the ``for_each`` lossy."""
    return {
        "statement": [{"actions": [["s3:GetObject"]], "resources": [["*"]]}],
        "dynamic": [
            {
                "statement": {
                    "for_each": [for_each],
                    "content": [
                        {
                            "sid": ["try(coalesce(statement.value.sid,statement.key))"],
                            "actions": ["statement.value.actions"],
                            "not_actions": ["statement.value.not_actions"],
                            "effect": ["statement.value.effect"],
                            "dynamic": [
                                {
                                    "condition": {
                                        "for_each": ["statement.value.condition"],
                                        "content": [{"test": ["condition.value.test"]}],
                                    }
                                }
                            ],
                        }
                    ],
                }
            }
        ],
    }


WRITTEN = [
    Dynamic(
        "statement",
        "var.permissions != null ? var.permissions : {}",
        "statement",
        [Dynamic("condition", "statement.value.condition != null ? statement.value.condition : []", "condition")],
    )
]


def _resolve(permissions):
    return resolver(lambda name: (True, permissions) if name == "permissions" else (False, None), lambda name: None)


def test_dynamic_blocks_are_rendered_from_their_for_each_as_written():
    permissions = {
        "write": {"sid": None, "actions": ["s3:*"], "not_actions": None, "effect": "Allow", "condition": None},
        "tls": {
            "sid": "Tls",
            "actions": None,
            "not_actions": ["s3:GetObject"],
            "effect": "Deny",
            "condition": [{"test": "Bool"}, {"test": "IpAddress"}],
        },
    }
    conf = _document({"lossy": "rendering"})
    render_dynamic(conf, WRITTEN, _resolve(permissions), {})
    assert "dynamic" not in conf  # expanding the rest again adds nothing twice
    assert conf["statement"] == [
        {"actions": [["s3:GetObject"]], "resources": [["*"]]},  # the static block first
        {
            "sid": ["Tls"],
            "not_actions": [["s3:GetObject"]],
            "effect": ["Deny"],
            "condition": [{"test": ["Bool"]}, {"test": ["IpAddress"]}],
        },
        {"sid": ["write"], "actions": [["s3:*"]], "effect": ["Allow"]},  # null arguments are not set
    ]


def test_a_dynamic_block_over_nothing_generates_no_block():
    conf = _document("var.permissions")
    render_dynamic(conf, WRITTEN, _resolve(None), {})
    assert conf == {"statement": [{"actions": [["s3:GetObject"]], "resources": [["*"]]}]}


def test_a_dynamic_block_whose_for_each_cannot_be_known_is_left_as_checkov_has_it():
    conf = _document("var.permissions")
    render_dynamic(conf, WRITTEN, resolver(lambda name: (False, None), lambda name: None), {})
    assert conf == _document("var.permissions")


def test_a_dynamic_block_of_a_count_instance_keeps_count_index_apart_from_its_iterator():
    conf = {"dynamic": [{"rule": {"for_each": ["x"], "content": [{"name": ["${rule.value}-${count.index}"]}]}}]}
    render_dynamic(conf, [Dynamic("rule", '["a", "b"]', "rule")], _resolve(None), {"count": {"index": 0}})
    assert conf == {"rule": [{"name": ["a-${count.index}"]}, {"name": ["b-${count.index}"]}]}
