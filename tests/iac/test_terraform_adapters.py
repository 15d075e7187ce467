"""Terraform adapters on small configurations in Checkov's shape (list-wrapped values).

Links between resources are resolved here from written references and names (no graph);
tests/iac/test_cross_resource.py covers the same joins through Checkov's real graph."""

from __future__ import annotations

from soc2_checks.iac import terraform
from soc2_checks.iac.tf_graph import TfBlock, TfIndex
from soc2_checks.model import Status

from .conftest import status, verdict

ROOT = "/repo/account"


def block(address: str, conf: dict, root: str = ROOT, kind: str = "resource") -> TfBlock:
    rtype = address.rsplit(".", 1)[0].split(".")[-1]
    return TfBlock(address=address, type=rtype, conf=conf, file=f"{root}/main.tf", root=root, kind=kind)


def parts(target: TfBlock, *others: TfBlock, graph: bool = True):
    index = TfIndex([target, *others]) if graph else None
    cx = terraform.TfContext(address=target.address, index=index, block=target if graph else None)
    return terraform.views_of(target.type, target.conf, cx)


SSE = {"rule": [{"apply_server_side_encryption_by_default": [{"sse_algorithm": ["aws:kms"]}]}]}
ALL_ON = {
    "block_public_acls": [True],
    "ignore_public_acls": [True],
    "block_public_policy": [True],
    "restrict_public_buckets": [True],
}


def test_bucket_with_linked_split_resources_passes(registry):
    bucket = block("aws_s3_bucket.data", {"bucket": ["acme-data"]})
    sse = block("aws_s3_bucket_server_side_encryption_configuration.data", {"bucket": ["aws_s3_bucket.data.id"], **SSE})
    pab = block("aws_s3_bucket_public_access_block.data", {"bucket": ["${aws_s3_bucket.data.id}"], **ALL_ON})
    p = parts(bucket, sse, pab)
    assert status(registry, "SOC2_AWS_11", p) == Status.PASSED
    assert status(registry, "SOC2_AWS_12", p) == Status.PASSED


def test_configuration_of_another_bucket_does_not_count(registry):
    bucket = block("aws_s3_bucket.data", {"bucket": ["acme-data"]})
    other = block("aws_s3_bucket.other", {"bucket": ["acme-other"]})
    sse = block("aws_s3_bucket_server_side_encryption_configuration.o", {"bucket": ["aws_s3_bucket.other.id"], **SSE})
    by_name = block("aws_s3_bucket_server_side_encryption_configuration.n", {"bucket": ["acme-other"], **SSE})
    v = verdict(registry, "SOC2_AWS_11", parts(bucket, other, sse, by_name))
    assert v.status == Status.FAILED and "no default server-side encryption" in v.message
    assert status(registry, "SOC2_AWS_11", parts(other, bucket, sse)) == Status.PASSED


def test_configuration_naming_the_bucket_literally_counts(registry):
    bucket = block("aws_s3_bucket.data", {"bucket": ["acme-data"]})
    sse = block("aws_s3_bucket_server_side_encryption_configuration.n", {"bucket": ["arn:aws:s3:::acme-data"], **SSE})
    assert status(registry, "SOC2_AWS_11", parts(bucket, sse)) == Status.PASSED


def test_unresolvable_configuration_target_cannot_confirm_encryption(registry):
    bucket = block("aws_s3_bucket.data", {"bucket": ["acme-data"]})
    sse = block("aws_s3_bucket_server_side_encryption_configuration.x", {"bucket": ["var.bucket"], **SSE})
    v = verdict(registry, "SOC2_AWS_11", parts(bucket, sse))
    assert v.status == Status.FAILED and v.message.startswith("Cannot be confirmed")


def test_inline_v3_settings_and_public_acl(registry):
    bucket = block(
        "aws_s3_bucket.legacy",
        {
            "bucket": ["legacy"],
            "acl": ["public-read"],
            "server_side_encryption_configuration": [SSE],
        },
    )
    p = parts(bucket)
    assert status(registry, "SOC2_AWS_11", p) == Status.PASSED
    v = verdict(registry, "SOC2_AWS_12", p)
    assert v.status == Status.FAILED and "public-read" in v.message


def test_account_block_covers_buckets_of_its_root_module_only(registry):
    account = block("aws_s3_account_public_access_block.a", dict(ALL_ON))
    here = block("aws_s3_bucket.here", {"bucket": ["here"]})
    there = block("aws_s3_bucket.there", {"bucket": ["there"]}, root="/repo/other")
    assert status(registry, "SOC2_AWS_12", parts(here, account, there)) == Status.PASSED
    assert status(registry, "SOC2_AWS_12", parts(there, account, here)) == Status.FAILED


def test_without_the_graph_links_cannot_be_confirmed(registry):
    bucket = block("aws_s3_bucket.data", {"bucket": ["acme-data"]})
    v = verdict(registry, "SOC2_AWS_11", parts(bucket, graph=False))
    assert v.status == Status.FAILED and "resource graph" in v.message


def test_security_group_rule_resources(registry):
    rdp = block(
        "aws_security_group_rule.rdp",
        {
            "type": ["ingress"],
            "from_port": [3000],
            "to_port": [4000],
            "protocol": ["tcp"],
            "ipv6_cidr_blocks": [["::/0"]],
        },
    )
    egress = block(
        "aws_security_group_rule.out",
        {"type": ["egress"], "from_port": [0], "to_port": [0], "protocol": ["-1"], "cidr_blocks": [["0.0.0.0/0"]]},
    )
    vpc_all = block("aws_vpc_security_group_ingress_rule.all", {"ip_protocol": ["-1"], "cidr_ipv4": ["0.0.0.0/0"]})
    assert status(registry, "SOC2_AWS_15", parts(rdp)) == Status.FAILED
    assert status(registry, "SOC2_AWS_15", parts(egress)) is None  # egress is out of scope
    assert status(registry, "SOC2_AWS_15", parts(vpc_all)) == Status.FAILED


def test_security_group_blocks_with_unresolved_sources(registry):
    group = block(
        "aws_security_group.web",
        {
            "name": ["web"],
            "ingress": [
                {"from_port": [443], "to_port": [443], "protocol": ["tcp"], "cidr_blocks": [["0.0.0.0/0"]]},
                {"from_port": [22], "to_port": [22], "protocol": ["tcp"], "cidr_blocks": ["var.admin_cidrs"]},
            ],
        },
    )
    v = verdict(registry, "SOC2_AWS_15", parts(group))
    assert v.status == Status.FAILED and v.message.startswith("Cannot be confirmed")


def test_instance_devices_and_default_encryption(registry):
    instance = block(
        "aws_instance.app",
        {
            "root_block_device": [{"encrypted": [True]}],
            "ebs_block_device": [{"device_name": ["/dev/sdb"], "encrypted": [False]}],
        },
    )
    v = verdict(registry, "SOC2_AWS_16", parts(instance))
    assert v.status == Status.FAILED and "/dev/sdb" in v.message
    default_on = block("aws_ebs_encryption_by_default.on", {"enabled": [True]})
    assert status(registry, "SOC2_AWS_16", parts(instance, default_on)) == Status.PASSED
    no_root = block("aws_instance.bare", {"ami": ["ami-1"]})
    assert status(registry, "SOC2_AWS_16", parts(no_root)) == Status.FAILED


def test_rds_defaults_and_cluster_members(registry):
    assert status(registry, "SOC2_AWS_17", parts(block("aws_db_instance.a", {"engine": ["postgres"]}))) == Status.FAILED
    member = block("aws_db_instance.m", {"cluster_identifier": ["aws_rds_cluster.c.id"]})
    assert status(registry, "SOC2_AWS_17", parts(member)) is None
    serverless = block("aws_rds_cluster.s", {"engine_mode": ["serverless"]})
    assert status(registry, "SOC2_AWS_17", parts(serverless)) == Status.PASSED


def test_kms_keys(registry):
    assert status(registry, "SOC2_AWS_14", parts(block("aws_kms_key.k", {}))) == Status.FAILED
    asymmetric = block("aws_kms_key.sign", {"customer_master_key_spec": ["RSA_2048"]})
    assert status(registry, "SOC2_AWS_14", parts(asymmetric)) is None


def test_trail_defaults(registry):
    trail = block("aws_cloudtrail.t", {"name": ["main"]})
    assert status(registry, "SOC2_AWS_8", parts(trail)) == Status.FAILED
    assert status(registry, "SOC2_AWS_9", parts(trail)) == Status.FAILED


def test_recorder_needs_a_status_resource_that_starts_it(registry):
    recorder = block("aws_config_configuration_recorder.r", {"name": ["default"]})
    assert status(registry, "SOC2_AWS_18", parts(recorder)) == Status.FAILED
    started = block(
        "aws_config_configuration_recorder_status.r",
        {"name": ["aws_config_configuration_recorder.r.name"], "is_enabled": [True]},
    )
    assert status(registry, "SOC2_AWS_18", parts(recorder, started)) == Status.PASSED


def test_password_policy_present_is_judged(registry):
    weak = block("aws_iam_account_password_policy.p", {"minimum_password_length": [8]})
    assert status(registry, "SOC2_AWS_4", parts(weak)) == Status.FAILED


def test_user_is_judged_with_its_bindings(registry):
    user = block("aws_iam_user.alice", {"name": ["alice"]})
    attach = block(
        "aws_iam_user_policy_attachment.alice",
        {"user": ["aws_iam_user.alice.name"], "policy_arn": ["arn:aws:iam::aws:policy/ReadOnlyAccess"]},
    )
    v = verdict(registry, "SOC2_AWS_7", parts(user, attach))
    assert v.status == Status.FAILED and "ReadOnlyAccess" in v.message
    # the binding itself carries no second result for a user in the scan ...
    assert status(registry, "SOC2_AWS_7", parts(attach, user)) is None
    # ... but is judged on its own when the user is defined elsewhere
    assert status(registry, "SOC2_AWS_7", parts(attach)) == Status.FAILED
    assert status(registry, "SOC2_AWS_7", parts(block("aws_iam_user.bob", {"name": ["bob"]}))) == Status.PASSED


def test_administrator_access_attachments(registry):
    attach = block(
        "aws_iam_role_policy_attachment.admin",
        {
            "role": ["ops"],
            "policy_arn": ["arn:${data.aws_partition.current.partition}:iam::aws:policy/AdministratorAccess"],
        },
    )
    assert status(registry, "SOC2_AWS_5", parts(attach)) == Status.FAILED
    # a partition from a local (terraform-aws-modules): the same policy, not an unknown one
    for name, expected in (("AdministratorAccess", Status.FAILED), ("AWSXrayWriteOnlyAccess", Status.PASSED)):
        local = block(
            "aws_iam_role_policy_attachment.l",
            {"role": ["ops"], "policy_arn": [f"arn:${{local.partition}}:iam::aws:policy/{name}"]},
        )
        v = verdict(registry, "SOC2_AWS_5", parts(local))
        assert (v.status, v.message.startswith("Cannot be confirmed")) == (expected, False)
    custom = block("aws_iam_role_policy_attachment.c", {"role": ["ops"], "policy_arn": ["aws_iam_policy.ops.arn"]})
    assert status(registry, "SOC2_AWS_5", parts(custom)) == Status.PASSED
    unknown = block("aws_iam_role_policy_attachment.u", {"role": ["ops"], "policy_arn": ["var.policy_arn"]})
    assert status(registry, "SOC2_AWS_5", parts(unknown)) == Status.FAILED


def test_role_inline_policies_are_each_judged(registry):
    role = block(
        "aws_iam_role.app",
        {
            "name": ["app"],
            "inline_policy": [
                {
                    "name": ["read"],
                    "policy": [{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}],
                },
                {"name": ["admin"], "policy": [{"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]},
            ],
        },
    )
    v = verdict(registry, "SOC2_AWS_5", parts(role))
    assert v.status == Status.FAILED and "admin" in v.message
