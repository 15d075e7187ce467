"""Arguments read from the Terraform source text, where Checkov's rendering of them is wrong."""

from __future__ import annotations

from soc2_checks.iac.tf_source import Dynamic, block_argument, dynamic_blocks, module_locals

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
            [Dynamic("condition", "try(statement.value.condition, [])", "c")],
        ),
        Dynamic("principals", "{ a = 1 }", "principals"),
    ]
    assert dynamic_blocks(str(path), 2, 4) == []  # the static statement alone
    assert dynamic_blocks(str(path), 1, 99) == []  # lines outside the file
