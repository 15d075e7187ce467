"""Arguments read from the Terraform source text, where Checkov's rendering of them is wrong."""

from __future__ import annotations

import pytest

from soc2_checks.iac.tf_source import Dynamic, _scan, block_argument, dynamic_blocks, module_locals, nested_blocks

MAIN = """\
resource "aws_iam_role_policy" "inline" {
  # count = 5 in a comment is not the count
  policy = <<EOF
{ "Statement": [ { "Effect": "Allow" } ],
count = 7
EOF
  dynamic "x" {
    for_each = var.x
    content {
      count = 9
    }
  }
  count = (
    local.create &&
    var.enabled # continued while the bracket is open
  ) ? 1 : 0
  name = "a#b" # a hash inside a string is not a comment
}

locals {
  create   = var.create && var.enabled
  tags     = { Name = "x" }
}
"""


def test_block_argument_reads_only_the_blocks_own_argument(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(MAIN)
    assert block_argument(str(path), 1, 18, "count") == "( local.create && var.enabled ) ? 1 : 0"
    assert block_argument(str(path), 1, 18, "name") == '"a#b"'
    assert block_argument(str(path), 1, 18, "for_each") is None  # nested in a dynamic block
    assert block_argument(str(path), 1, 99, "count") is None  # lines outside the file
    assert block_argument(str(tmp_path / "missing.tf"), 1, 2, "count") is None


def test_module_locals_are_read_from_every_file_of_the_folder(tmp_path):
    (tmp_path / "main.tf").write_text(MAIN)
    (tmp_path / "other.tf").write_text("locals {\n  on = true\n  tags = {}\n}\n")
    found = module_locals(str(tmp_path))
    assert found["create"] == "var.create && var.enabled"
    assert found["on"] == "true"
    assert "tags" not in found  # defined twice: Terraform rejects it, so neither is trusted


DOCUMENT = """\
data "aws_iam_policy_document" "this" {
  statement {
    actions = ["s3:GetObject"] # a static block is not dynamic
  }
  dynamic "statement" {
    for_each = var.permissions != null ? var.permissions : {}
    content {
      effect = statement.value.effect
      dynamic "condition" {
        for_each = try(statement.value.condition, [])
        iterator = c
        content {
          test = c.value.test
        }
      }
    }
  }
  dynamic "principals" {
    for_each = {
      a = 1
    }
    content {
      type = "AWS"
    }
  }
}
"""


def test_dynamic_blocks_are_read_with_those_of_their_content(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(DOCUMENT)
    assert dynamic_blocks(str(path), 1, 26) == [
        Dynamic(
            "statement",
            "var.permissions != null ? var.permissions : {}",
            "statement",
            [Dynamic("condition", "try(statement.value.condition, [])", "c", content={"test": "c.value.test"})],
            content={"effect": "statement.value.effect"},
        ),
        Dynamic("principals", "{ a = 1 }", "principals", content={"type": '"AWS"'}),
    ]
    assert dynamic_blocks(str(path), 2, 4) == []  # the static statement alone
    assert dynamic_blocks(str(path), 1, 99) == []  # lines outside the file


def test_nested_blocks_are_the_written_ones_in_order(tmp_path):
    path = tmp_path / "main.tf"
    path.write_text(DOCUMENT)
    assert nested_blocks(str(path), 1, 26, "statement") == [{"actions": '["s3:GetObject"]'}]
    assert nested_blocks(str(path), 1, 26, "principals") == []  # only written through dynamic
    assert nested_blocks(str(path), 1, 99, "statement") == []


def test_each_file_is_read_once_per_scan_and_again_for_the_next(tmp_path, registry):
    """A module call's file is asked about for every resource of the call; it is read once. A
    later scan in the same process (a library caller, a watch loop) must see the file as it
    is then: the call's ``count`` switched the module on in between."""
    from soc2_checks.iac import tf_source

    from .conftest import findings, run_iac

    (tmp_path / "mod").mkdir()
    (tmp_path / "mod" / "main.tf").write_text('resource "aws_s3_bucket" "b" {\n  bucket = "acme-b"\n}\n')
    call = 'module "store" {\n  source = "./mod"\n  count  = %d\n}\n'
    (tmp_path / "main.tf").write_text(call % 0)
    assert not [f for f in findings(run_iac(tmp_path, registry)) if f[0] == "SOC2_AWS_11"]
    read = tf_source._lines.cache_info()
    assert read.misses == read.currsize  # no file read twice

    (tmp_path / "main.tf").write_text(call % 1)
    assert ("SOC2_AWS_11", "module.store[0].aws_s3_bucket.b", "FAILED") in findings(run_iac(tmp_path, registry))


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('  tags = merge(var.tags, { Name = "a" })', ('  tags = merge(var.tags, { Name = "a" })', 0)),
        ('  name = "${var.x}-{["', ('  name = "${var.x}-{["', 0)),  # brackets inside a string
        ('  x = ["a\\"]", {', ('  x = ["a\\"]", {', 2)),  # an escaped quote does not end it
        ('  url = "http://x#y" # a comment (', ('  url = "http://x#y" ', 0)),
        ("  rule = [ // the rules {", ("  rule = [ ", 1)),
        ('  open = "unterminated {', ('  open = "unterminated {', 0)),
    ],
)
def test_a_line_is_read_without_its_comment_and_with_the_brackets_it_leaves_open(line, expected):
    assert _scan(line) == expected
