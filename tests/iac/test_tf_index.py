"""The cross-resource index settles a block (its count, null and unresolved variables) when a
check first reads it, not every block of the graph up front: most blocks of a real tree are of
types no SOC 2 check reads."""

from __future__ import annotations

from soc2_checks.iac.tf_graph import TfBlock, TfIndex


def _index() -> tuple[TfIndex, TfBlock, TfBlock, TfBlock]:
    bucket = TfBlock("aws_s3_bucket.b", "aws_s3_bucket", {"bucket": ["b"], "acl": ["var.acl"]}, root="/r")
    gone = TfBlock("aws_s3_bucket.off", "aws_s3_bucket", {"bucket": ["off"], "count": ["var.n"]}, root="/r")
    queue = TfBlock("aws_sqs_queue.q", "aws_sqs_queue", {"name": ["var.acl"]}, root="/r")
    index = TfIndex([bucket, gone, queue])
    index._variables = {"/r\0acl": {"default": None}, "/r\0n": {"default": 0}}
    for block in (bucket, gone, queue):
        block.settle_with(index)
    return index, bucket, gone, queue


def test_blocks_are_settled_when_first_read_and_only_then():
    index, bucket, gone, queue = _index()
    assert index.of_type("aws_s3_bucket", "/r") == [bucket]  # count = var.n = 0: absent
    assert gone.absent
    assert bucket.marked and bucket.conf["acl"] is None  # a null variable: not set
    assert queue._pending is not None  # never read: never settled (nor copied)
    assert queue.conf["name"] is None and queue.marked  # settled the same way once read


def test_checkov_finds_its_own_configuration_object_after_settling():
    index, bucket, _gone, _queue = _index()
    original = bucket._conf
    assert bucket.conf is not original  # settled into a copy
    assert index.find("aws_s3_bucket.b", conf=original) is bucket


def test_one_address_in_two_roots_is_two_resources():
    """A module called by two environments: one address, two root folders. Look-ups by address
    and references inside each root must keep them apart."""
    prod = TfBlock("module.b.aws_s3_bucket.this", "aws_s3_bucket", {"bucket": ["p"]}, file="/prod/m.tf", root="/prod")
    dev = TfBlock("module.b.aws_s3_bucket.this", "aws_s3_bucket", {"bucket": ["d"]}, file="/dev/m.tf", root="/dev")
    sse = TfBlock(
        "module.b.aws_s3_bucket_server_side_encryption_configuration.this",
        "aws_s3_bucket_server_side_encryption_configuration",
        {"bucket": ["aws_s3_bucket.this.id"]},
        root="/dev",
    )
    index = TfIndex([prod, dev, sse])
    assert index.find("module.b.aws_s3_bucket.this", "/prod/m.tf") is prod
    assert index.find("module.b.aws_s3_bucket.this", "/dev/m.tf") is dev
    assert index.find("module.b.aws_s3_bucket.this") is None  # ambiguous without the file
    assert index.linked(dev, sse.type, "bucket").certain == [sse]
    assert index.linked(prod, sse.type, "bucket").certain == []  # no configuration in /prod
    assert index.resolve(sse, "aws_s3_bucket.this.id", "aws_s3_bucket") == [dev]


def test_null_variables_in_a_block_checkov_expanded_from_dynamic():
    """Checkov writes an expanded ``dynamic`` block next to the ``dynamic`` entry, sharing the
    same objects: nulling a variable through one must not break the other (terraform-aws-modules'
    ec2-instance module, where every instance was an ERROR before)."""
    shared = [{"capacity_reservation_preference": ["var.pref"], "encrypted": [True]}]
    conf = {
        "ami": ["ami-1"],
        "dynamic": [{"capacity_reservation_specification": shared}],
        "capacity_reservation_specification": shared,
        "key_name": ["var.key"],
    }
    instance = TfBlock("aws_instance.this", "aws_instance", conf, root="/r")
    index = TfIndex([instance])
    index._variables = {"/r\0pref": {"default": None}, "/r\0key": {"default": None}}
    instance.settle_with(index)
    assert instance.marked
    assert instance.conf["capacity_reservation_specification"][0]["capacity_reservation_preference"] is None
    assert instance.conf["capacity_reservation_specification"][0]["encrypted"] == [True]
    assert instance.conf["key_name"] is None
    assert conf["key_name"] == ["var.key"]  # Checkov's own configuration is left as it was


def test_a_variable_checkov_left_unrendered_is_read_from_the_module_chain():
    """Checkov sometimes leaves ``var.x`` in the second call of a module (terraform-aws-rds'
    replica examples): the value the module chain gives is used, and only a plain one."""
    conf = {"storage_encrypted": ["var.storage_encrypted"], "kms_key_id": ["var.kms_key_id"]}
    replica = TfBlock("module.replica.module.db.aws_db_instance.this", "aws_db_instance", conf, root="/r")
    index = TfIndex([replica])
    index._variables = {
        "/r\0module.replica.module.db.storage_encrypted": {"default": "var.storage_encrypted"},
        "/r\0module.replica.storage_encrypted": {"default": [True]},
        "/r\0module.replica.module.db.kms_key_id": {"default": "${aws_kms_key.this.arn}"},
    }
    replica.settle_with(index)
    assert replica.conf["storage_encrypted"] == [True]
    assert replica.conf["kms_key_id"] == ["var.kms_key_id"]  # an expression: left for the adapter as unknown


RULES = """\
resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = local.create && var.rules != null ? var.rules : {}

  from_port   = each.value.from_port
  to_port     = try(coalesce(each.value.to_port, each.value.from_port), null)
  ip_protocol = each.value.ip_protocol
}

locals {
  create = var.create
}
"""
RULES_TYPE = (
    "${map(object({'from_port': 'number', 'to_port': '${optional(number)}', "
    "'ip_protocol': '${optional(string,\"tcp\")}'}))}"
)


def _rules_block(tmp_path, variables):
    (tmp_path / "main.tf").write_text(RULES)
    conf = {
        "__start_line__": 1,
        "__end_line__": 7,
        "for_each": [{}],  # what Checkov rendered for terraform-aws-alb, where the call passed two rules
        "from_port": ["each.value.from_port"],
        "to_port": ["try(coalesce(each.value.to_port,each.value.from_port),None)"],
        "ip_protocol": ["each.value.ip_protocol"],
    }
    block = TfBlock(
        "module.m.aws_vpc_security_group_ingress_rule.this",
        "aws_vpc_security_group_ingress_rule",
        conf,
        file=str(tmp_path / "main.tf"),
        root="/r",
    )
    index = TfIndex([block])
    index._variables = {f"/r\0module.m.{k}": v for k, v in variables.items()}
    block.settle_with(index)
    return block


def test_for_each_is_read_from_the_source_with_the_types_optional_defaults(tmp_path):
    """Checkov rendered the ingress rules of a module call as an empty map; the source, the
    call's map and the variable type's ``optional()`` defaults give each rule its values."""
    block = _rules_block(
        tmp_path,
        {
            "create": {"default": True},
            "rules": {
                "default": {"ssh": {"from_port": 22}, "web": {"from_port": 443, "to_port": 444}},
                "type": RULES_TYPE,
            },
        },
    )
    assert block.exists
    instances = {address: conf for _key, address, conf in block.instances()}
    ssh = instances['module.m.aws_vpc_security_group_ingress_rule.this["ssh"]']
    assert (ssh["from_port"], ssh["to_port"], ssh["ip_protocol"]) == ([22], [22], ["tcp"])
    web = instances['module.m.aws_vpc_security_group_ingress_rule.this["web"]']
    assert (web["from_port"], web["to_port"]) == ([443], [444])


def test_an_empty_for_each_the_source_does_not_confirm_is_judged(tmp_path):
    """Checkov's empty rendering is not "no rule" when the source cannot be evaluated: the
    rule exists with unknown values (a group must not pass on rules nobody read)."""
    block = _rules_block(tmp_path, {"create": {"default": True}})  # var.rules: no value known
    assert block.exists
    assert [address for _k, address, _c in block.instances()] == [block.address]


def test_a_for_each_the_source_makes_empty_is_absent(tmp_path):
    block = _rules_block(tmp_path, {"create": {"default": False}})
    assert not block.exists


def test_a_module_variable_takes_the_calls_argument():
    """Checkov's rendering of a module's variable can keep the module's default where the call
    set it (terraform-aws-rds' replica with ``storage_encrypted = false`` read as true; the
    security-group module's lists of maps read as empty): the call's argument is the value."""
    index = TfIndex([])
    index._variables = {
        "/r\0module.replica.storage_encrypted": {"default": True},
        "/r\0module.replica.multi_az": {"default": False},
        "/r\0module.replica.module.db.storage_encrypted": {"default": True},
        "/r\0module.sg.rules": {"default": [], "type": "list(map(string))"},
    }
    index._modules = {
        "/r\0replica": {"storage_encrypted": False},
        "/r\0module.replica.db": {"storage_encrypted": "var.storage_encrypted"},
        "/r\0sg": {"rules": [{"rule": "ssh-tcp"}]},
    }
    assert index.variable("storage_encrypted", "module.replica.", "/r") == (True, False)
    assert index.variable("storage_encrypted", "module.replica.module.db.", "/r") == (True, False)  # through the chain
    assert index.variable("multi_az", "module.replica.", "/r") == (True, False)  # not set by the call: its default
    assert index.variable("rules", "module.sg.", "/r") == (True, [{"rule": "ssh-tcp"}])
    assert index.variable("storage_encrypted", "module.replica.", "/other") == (False, None)  # another root


def test_count_instances_checkov_did_not_expand_are_read_from_the_source(tmp_path):
    (tmp_path / "main.tf").write_text(
        'resource "aws_security_group_rule" "r" {\n'
        "  count     = length(var.names)\n"
        "  from_port = var.ports[var.names[count.index]]\n"
        "}\n"
    )
    conf = {"__start_line__": 1, "__end_line__": 4, "count": ["length(var.names)"], "from_port": ["{...}[count.index]"]}
    block = TfBlock(
        "aws_security_group_rule.r", "aws_security_group_rule", conf, file=str(tmp_path / "main.tf"), root="/r"
    )
    index = TfIndex([block])
    index._variables = {
        "/r\0names": {"default": ["ssh", "web"], "type": "list(string)"},
        "/r\0ports": {"default": {"ssh": 22, "web": 443}},
    }
    block.settle_with(index)
    assert [(key, address, c["from_port"]) for key, address, c in block.instances()] == [
        (0, "aws_security_group_rule.r[0]", [22]),
        (1, "aws_security_group_rule.r[1]", [443]),
    ]


def test_a_module_calls_argument_is_evaluated_from_its_source(tmp_path):
    """terraform-aws-rds passes ``create = local.create_db_instance`` to an inner module, and
    Checkov rendered that local as true for the ``create_db_instance = false`` call."""
    (tmp_path / "main.tf").write_text(
        "locals {\n"
        "  create_db_instance = var.create_db_instance && var.enabled\n"
        "}\n"
        'module "db_instance" {\n'
        '  source = "./db_instance"\n'
        "  create = local.create_db_instance\n"
        "}\n"
    )
    index = TfIndex([])
    index._variables = {
        "/r\0module.db_disabled.create_db_instance": {"default": True},  # Checkov kept the default
        "/r\0module.db_disabled.enabled": {"default": True},
        "/r\0module.db_disabled.module.db_instance.create": {"default": True},
    }
    index._modules = {
        "/r\0db_disabled": {"create_db_instance": False},
        "/r\0module.db_disabled.db_instance": {
            "create": True,  # Checkov's rendering
            "__start_line__": 4,
            "__end_line__": 7,
            "file_path_": str(tmp_path / "main.tf"),
        },
    }
    assert index.variable("create", "module.db_disabled.module.db_instance.", "/r") == (True, False)


def test_an_instance_checkov_expanded_is_read_again_from_the_source(tmp_path):
    """``this[0]`` whose arguments Checkov left as ``var.x`` text: a null variable leaves the
    argument unset (the rule then sees no password reuse prevention), a value is written in."""
    (tmp_path / "main.tf").write_text(
        'resource "aws_iam_account_password_policy" "this" {\n'
        "  count                     = var.create ? 1 : 0\n"
        "  password_reuse_prevention = var.reuse\n"
        "  minimum_password_length   = var.length\n"
        "}\n"
    )
    conf = {
        "__start_line__": 1,
        "__end_line__": 5,
        "password_reuse_prevention": ["var.reuse"],
        "minimum_password_length": ["var.length"],
    }
    block = TfBlock(
        "module.a.aws_iam_account_password_policy.this[0]",
        "aws_iam_account_password_policy",
        conf,
        file=str(tmp_path / "main.tf"),
        root="/r",
    )
    index = TfIndex([block])
    index._variables = {
        "/r\0module.a.create": {"default": True},
        "/r\0module.a.reuse": {"default": None},
        "/r\0module.a.length": {"default": 6},
    }
    block.settle_with(index)
    assert block.exists
    assert block.conf["password_reuse_prevention"] is None  # null: as if not written
    assert block.conf["minimum_password_length"] == [6]


def test_module_instances_their_call_does_not_create_are_absent(tmp_path):
    """Checkov keeps the resources of a module call whose ``count`` is zero or whose
    ``for_each`` is empty (terraform-aws-modules' wrappers), and expands a call to keys the
    source may not have; the call's source, evaluated in the caller, decides."""
    (tmp_path / "main.tf").write_text(
        'module "off" {\n  source = "./db"\n  count  = var.enabled ? 1 : 0\n}\n'
        'module "one" {\n  source = "./db"\n  count  = 1\n}\n'
        'module "wrapper" {\n  source   = "./db"\n  for_each = var.items\n}\n'
        'module "named" {\n  source   = "./db"\n  for_each = toset(["a"])\n}\n'
        'module "unknown" {\n  source   = "./db"\n  for_each = var.unset\n}\n'
    )
    where = {"file_path_": str(tmp_path / "main.tf")}
    addresses = [
        "module.off.aws_db_instance.this",
        "module.one[0].aws_db_instance.this",
        "module.one[1].aws_db_instance.this",
        "module.wrapper.aws_db_instance.this",
        'module.named["a"].aws_db_instance.this',
        'module.named["b"].aws_db_instance.this',
        "module.unknown.aws_db_instance.this",
    ]
    blocks = [TfBlock(a, "aws_db_instance", {"engine": ["postgres"]}, root="/r") for a in addresses]
    index = TfIndex(blocks)
    index._variables = {"/r\0enabled": {"default": False}, "/r\0items": {"default": {}}, "/r\0unset": {}}
    index._modules = {
        "/r\0off": {"__start_line__": 1, "__end_line__": 4, **where},
        "/r\0one[0]": {"__start_line__": 5, "__end_line__": 8, **where},
        "/r\0one[1]": {"__start_line__": 5, "__end_line__": 8, **where},
        "/r\0wrapper": {"__start_line__": 9, "__end_line__": 12, **where},
        '/r\0named["a"]': {"__start_line__": 13, "__end_line__": 16, **where},
        '/r\0named["b"]': {"__start_line__": 13, "__end_line__": 16, **where},
        "/r\0unknown": {"__start_line__": 17, "__end_line__": 20, **where},
    }
    for block in blocks:
        block.settle_with(index)
    assert [b.address for b in blocks if b.exists] == [
        "module.one[0].aws_db_instance.this",
        'module.named["a"].aws_db_instance.this',
        "module.unknown.aws_db_instance.this",  # unknown is not absent
    ]


def test_a_module_instances_arguments_read_its_each_value(tmp_path):
    """``cidr = each.value.cidr`` in a call Checkov expanded per key: each instance's
    variable takes its own entry of the call's ``for_each``."""
    (tmp_path / "main.tf").write_text(
        'module "bastions" {\n'
        '  source   = "./sg"\n'
        '  for_each = { open = { cidr = "0.0.0.0/0" }, closed = { cidr = "10.0.0.0/8" } }\n'
        "  cidr     = each.value.cidr\n"
        "  index    = each.key\n"
        "}\n"
    )
    where = {"__start_line__": 1, "__end_line__": 6, "file_path_": str(tmp_path / "main.tf")}
    call = {**where, "cidr": "each.value.cidr", "index": "each.key"}  # Checkov's rendering
    index = TfIndex([])
    index._variables = {
        '/r\0module.bastions["open"].cidr': {"type": "string"},
        '/r\0module.bastions["closed"].cidr': {"type": "string"},
        '/r\0module.bastions["open"].index': {"type": "string"},
    }
    index._modules = {'/r\0bastions["open"]': call, '/r\0bastions["closed"]': {**call}}
    assert index.variable("cidr", 'module.bastions["open"].', "/r") == (True, "0.0.0.0/0")
    assert index.variable("cidr", 'module.bastions["closed"].', "/r") == (True, "10.0.0.0/8")
    assert index.variable("index", 'module.bastions["open"].', "/r") == (True, "open")


def test_the_partition_data_source_is_read_as_any_partition(tmp_path):
    """terraform-aws-modules write ``local.partition = data.aws_partition.current.partition``
    into every ARN; the rules judge each partition alike, so it does not leave the ARN unknown."""
    (tmp_path / "main.tf").write_text(
        "locals {\n  partition = data.aws_partition.current.partition\n}\n"
        'resource "aws_iam_role_policy_attachment" "xray" {\n'
        '  policy_arn = "arn:${local.partition}:iam::aws:policy/AWSXrayWriteOnlyAccess"\n'
        "}\n"
    )
    conf = {"__start_line__": 4, "__end_line__": 6, "policy_arn": ["arn:${local.partition}:iam::aws:policy/X"]}
    block = TfBlock(
        "aws_iam_role_policy_attachment.xray", "aws_iam_role_policy_attachment", conf, str(tmp_path / "main.tf"), "/r"
    )
    index = TfIndex([block])
    assert index.argument_value(block, "policy_arn") == "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess"
