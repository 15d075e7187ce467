"""Shapes found in real public Terraform and CloudFormation (terragoat, cfngoat, the
terraform-aws-modules examples, aws-cloudformation-templates), each reduced to a minimal
hand-written snippet in ``fixtures/real_world``: several environments calling one module,
variables whose value is null, ``count``/``for_each`` Checkov leaves as text, partly rendered
expressions, dynamic blocks in linked resources, joins inside a CloudFormation template, and
templates Checkov cannot read. docs/real-world.md tells what was run and what was found."""

from __future__ import annotations

import pytest

from soc2_checks.model import Source, Status

from .conftest import FIXTURES, run_iac

pytestmark = pytest.mark.slow

REAL = FIXTURES / "real_world"


@pytest.fixture(scope="module")
def tf(registry):
    scan = run_iac(REAL / "terraform", registry, frameworks=(Source.TERRAFORM,))
    return {(r.check_id, r.resource.id): r for r in scan.results}


@pytest.fixture(scope="module")
def cfn(registry):
    scan = run_iac(REAL / "cloudformation", registry, frameworks=(Source.CLOUDFORMATION,))
    return {(r.check_id, r.resource.id): r for r in scan.results}


def test_one_module_called_by_two_environments_gives_one_result_each(tf):
    """Checkov keeps one of two records with the same address, file and lines; each
    environment's bucket is judged with its own linked configuration and named by its root."""
    prod = tf[("SOC2_AWS_11", "envs/prod:module.data.aws_s3_bucket.this")]
    staging = tf[("SOC2_AWS_11", "envs/staging:module.data.aws_s3_bucket.this")]
    assert prod.status == Status.PASSED and "aws:kms" in prod.message
    assert staging.status == Status.FAILED and "no default server-side encryption" in staging.message
    assert prod.resource.file == staging.resource.file == "modules/bucket/main.tf"
    assert ("SOC2_AWS_11", "module.data.aws_s3_bucket.this") not in tf


def test_reference_to_index_zero_of_an_unexpanded_count_links(tf):
    """``bucket = aws_s3_bucket.this[0].id`` when Checkov left the bucket's count unexpanded."""
    assert tf[("SOC2_AWS_12", "envs/staging:module.data.aws_s3_bucket.this")].status == Status.PASSED


def test_count_that_evaluates_to_zero_gives_no_result(tf):
    """``count = !var.is_directory_bucket ? 1 : 0`` with the variable set to true."""
    assert not [key for key in tf if "module.directory." in key[1]]


def test_null_variables_leave_attributes_unset(tf):
    """``customer_master_key_spec = var.key_spec`` with ``default = null`` is the provider default."""
    assert tf[("SOC2_AWS_14", "aws_kms_key.nullable")].status == Status.PASSED
    unset = tf[("SOC2_AWS_14", "aws_kms_key.unset")]
    assert unset.status == Status.FAILED and unset.message.startswith("Cannot be confirmed")


def test_for_each_over_a_literal_map_judges_every_instance(tf):
    admins = tf[("SOC2_AWS_5", "module.admins.aws_iam_role_policy_attachment.this")]
    assert admins.status == Status.FAILED and "AdministratorAccess policy attached" in admins.message
    assert tf[("SOC2_AWS_5", "module.readers.aws_iam_role_policy_attachment.this")].status == Status.PASSED
    assert ("SOC2_AWS_5", "module.nobody.aws_iam_role_policy_attachment.this") not in tf  # filtered out: none exist


def test_partly_rendered_lookup_is_never_read_as_a_protocol(tf):
    """``protocol = var.rules[var.ingress_rules[count.index]][2]`` arrives as a rendered map
    followed by an index; it used to be taken for a protocol name, and the rule passed. It is
    read from the source now: the rule opens SSH."""
    rule = next(
        r
        for (check, rid), r in tf.items()
        if check == "SOC2_AWS_15" and rid.startswith("aws_security_group_rule.named")
    )
    assert rule.status == Status.FAILED and "port 22 (SSH) from 0.0.0.0/0" in rule.message


def test_dynamic_blocks_of_a_linked_configuration_are_read(tf):
    unknown = tf[("SOC2_AWS_11", "aws_s3_bucket.dynamic_unknown")]
    assert unknown.status == Status.FAILED and unknown.message.startswith("Cannot be confirmed")
    # Checkov leaves ``rule.value`` unsubstituted; the block is rendered from its source
    known = tf[("SOC2_AWS_11", "aws_s3_bucket.dynamic_known")]
    assert known.status == Status.PASSED and "aws:kms" in known.message


def test_read_replica_inherits_its_source_encryption(tf, cfn):
    assert tf[("SOC2_AWS_17", "aws_db_instance.replica")].status == Status.PASSED
    assert cfn[("SOC2_AWS_17", "AWS::RDS::DBInstance.Replica")].status == Status.PASSED
    for other in (
        tf[("SOC2_AWS_17", "aws_db_instance.replica_of_another_stack")],
        cfn[("SOC2_AWS_17", "AWS::RDS::DBInstance.ReplicaOfAnotherStack")],
    ):
        assert other.status == Status.FAILED and other.message.startswith("Cannot be confirmed")


def test_no_error_results_in_terraform(tf):
    assert not [r for r in tf.values() if r.status == Status.ERROR]


def test_user_is_judged_with_the_policies_that_name_it(cfn):
    deployer = cfn[("SOC2_AWS_7", "AWS::IAM::User.Deployer")]
    assert deployer.status == Status.FAILED and "deployer-inline (DeployerPolicy)" in deployer.message
    assert ("SOC2_AWS_7", "AWS::IAM::Policy.DeployerPolicy") not in cfn  # carried by the user
    assert cfn[("SOC2_AWS_7", "AWS::IAM::User.Auditor")].status == Status.PASSED
    outside = cfn[("SOC2_AWS_7", "AWS::IAM::ManagedPolicy.OutsideUserPolicy")]
    assert outside.status == Status.FAILED and "someone-else" in outside.message


def test_group_is_judged_with_its_standalone_ingress_rules(cfn):
    bastion = cfn[("SOC2_AWS_15", "AWS::EC2::SecurityGroup.Bastion")]
    assert bastion.status == Status.FAILED and "BastionSsh" in bastion.message and "port 22" in bastion.message
    internal = cfn[("SOC2_AWS_15", "AWS::EC2::SecurityGroup.Internal")]
    assert internal.status == Status.FAILED and "Cannot be confirmed" in internal.message
    assert ("SOC2_AWS_15", "AWS::EC2::SecurityGroupIngress.BastionSsh") not in cfn
    imported = cfn[("SOC2_AWS_15", "AWS::EC2::SecurityGroupIngress.ImportedGroupRule")]  # its group is elsewhere
    assert imported.status == Status.FAILED and "all ports" in imported.message


def test_terraform_group_result_names_the_rule_resource_that_opens_it(registry):
    from .conftest import EXAMPLES

    scan = run_iac(EXAMPLES / "terraform" / "bad", registry, frameworks=(Source.TERRAFORM,))
    group = next(r for r in scan.results if r.resource.id == "aws_security_group.windows_jump")
    assert group.status == Status.FAILED
    assert "aws_security_group_rule.windows_rdp" in group.message and "3389" in group.message


def test_template_checkov_cannot_read_is_an_error_and_the_rest_is_checked(registry):
    """A template for a pre-processor (``Type: !Rain::Module``) makes Checkov's CloudFormation
    runner raise for the whole folder; it is set aside and reported, the others are checked."""
    scan = run_iac(REAL / "cloudformation_preprocessed", registry, frameworks=(Source.CLOUDFORMATION,))
    errors = [r for r in scan.results if r.status == Status.ERROR]
    assert errors and {r.resource.id for r in errors} == {"modular.yaml"}
    assert "pre-processor" in errors[0].message and errors[0].resource.file == "modular.yaml"
    checked = {(r.check_id, r.resource.id): r.status for r in scan.results if r.status != Status.ERROR}
    assert checked[("SOC2_AWS_11", "AWS::S3::Bucket.Logs")] == Status.PASSED


def test_counts_checkov_renders_wrongly_are_read_from_the_source(tf):
    """``count = local.create && !var.ignore_changes ? 1 : 0`` with ``local.create = var.create &&
    var.enabled`` (terraform-aws-modules' ec2-instance, security-group, kms, iam): Checkov
    expands the switched-off call to ``this[0]``; each call has exactly what its arguments create."""
    volumes = sorted(rid for check, rid in tf if check == "SOC2_AWS_16" and ".module.volume_" in f".{rid}")
    assert volumes == ["module.volume_ignoring.aws_ebs_volume.ignoring[0]", "module.volume_on.aws_ebs_volume.this"]


def test_rules_passed_as_a_map_of_objects_are_judged_one_by_one(tf):
    """terraform-aws-modules' alb: ``for_each = local.create_security_group && ... ?
    var.security_group_ingress_rules : {}``, ``to_port = try(coalesce(each.value.to_port,
    each.value.from_port), null)`` and ``optional(string, "tcp")`` in the variable's type."""
    ssh = tf[("SOC2_AWS_15", "module.firewall_ssh.aws_security_group.this[0]")]
    assert ssh.status == Status.FAILED
    assert ssh.message.startswith('Rule module.firewall_ssh.aws_vpc_security_group_ingress_rule.this["ssh"]: ')
    assert "port 22 (SSH) from 0.0.0.0/0" in ssh.message
    assert tf[("SOC2_AWS_15", "module.firewall_web.aws_security_group.this[0]")].status == Status.PASSED


def test_each_call_of_a_nested_module_keeps_its_own_arguments(tf):
    """terraform-aws-rds passes ``storage_encrypted`` through an inner module; a call that
    turns it off must not read the module's default."""
    on = tf[("SOC2_AWS_17", "module.orders_db.module.instance.aws_db_instance.this")]
    off = tf[("SOC2_AWS_17", "module.orders_db_unencrypted.module.instance.aws_db_instance.this")]
    assert (on.status, off.status) == (Status.PASSED, Status.FAILED)
    assert off.message == "RDS instance orders-copy has unencrypted storage."


def test_rules_picked_by_name_from_a_table_are_read_per_instance(tf):
    """terraform-aws-security-group: ``from_port = lookup(var.ingress_with_cidr_blocks
    [count.index], "from_port", var.rules[lookup(..., "rule", "_")][0])``, one instance per
    entry of the call's list, which Checkov renders only in part."""
    assert tf[("SOC2_AWS_15", "module.named_web.aws_security_group.this[0]")].status == Status.PASSED
    bastion = tf[("SOC2_AWS_15", "module.named_bastion.aws_security_group.this[0]")]
    assert bastion.status == Status.FAILED
    assert bastion.message == (
        "Rule module.named_bastion.aws_security_group_rule.ingress_with_cidr_blocks[1]: "
        "Security group named-rules allows ingress to port 22 (SSH) from 0.0.0.0/0."
    )


def test_module_calls_that_create_nothing_give_no_result(tf):
    """A module call with ``count = var.bastion_enabled ? 1 : 0`` (false), and terraform-aws-
    modules' wrappers, ``for_each = var.items`` with no items passed: Checkov keeps the modules'
    resources unexpanded, so the SSH rule they would open was judged; Terraform creates none."""
    assert not [key for key in tf if "module.bastion_switched_off" in key[1] or "module.wrapper" in key[1]]


def test_each_instance_of_a_module_call_reads_its_own_each_value(tf):
    """``cidr_blocks = each.value.cidr`` in a call with a ``for_each``: each instance is judged
    with its own entry, where it was "cannot be confirmed" for both."""
    assert tf[("SOC2_AWS_15", 'module.bastions["closed"].aws_security_group.this[0]')].status == Status.PASSED
    opened = tf[("SOC2_AWS_15", 'module.bastions["open"].aws_security_group.this[0]')]
    assert opened.status == Status.FAILED
    assert opened.message == (
        'Rule module.bastions["open"].aws_security_group_rule.ingress_with_cidr_blocks[0]: '
        "Security group named-rules allows ingress to port 22 (SSH) from 0.0.0.0/0."
    )


def test_policy_statements_written_as_dynamic_blocks_are_judged(tf):
    """terraform-aws-iam builds its policy documents from the call's map (``dynamic
    "statement" { for_each = var.permissions != null ? var.permissions : {} ... }``, with a
    nested ``dynamic "condition"``). Checkov leaves the blocks unrendered, so every policy was
    "cannot be confirmed: effect is 'statement.value.effect'"; they are rendered from the
    source now, and an admin policy among them is a definite FAIL."""
    admin = tf[("SOC2_AWS_6", "module.policy_admin.aws_iam_policy.this")]
    assert admin.status == Status.FAILED
    assert admin.message == (
        "Policy admin allows non-read-only actions on every resource: "
        "statement 'everything' allows every action ('*') on Resource '*'."
    )
    assert tf[("SOC2_AWS_5", "module.policy_admin.aws_iam_policy.this")].status == Status.FAILED
    for name in ("policy_none", "policy_reader"):
        for check in ("SOC2_AWS_5", "SOC2_AWS_6"):
            assert tf[(check, f"module.{name}.aws_iam_policy.this")].status == Status.PASSED


def test_acl_grants_passed_to_a_module_are_read(tf):
    """terraform-aws-s3-bucket: ``dynamic "access_control_policy" { for_each =
    length(local.grants) > 0 ? [true] : [] ... dynamic "grant" { for_each = local.grants ...}}``
    with ``local.grants = try(jsondecode(var.grant), var.grant)``. Checkov renders the outer
    block for a call with no grants and keeps the grant as iterator text, so every bucket of
    the module was "cannot be confirmed"."""
    assert tf[("SOC2_AWS_12", "module.acl_private.aws_s3_bucket.this")].status == Status.PASSED
    public = tf[("SOC2_AWS_12", "module.acl_public.aws_s3_bucket.this")]
    assert public.status == Status.FAILED and public.message.endswith("ACL grant to AllUsers.")


def test_documents_merged_in_through_a_local_are_read_per_call(tf):
    """terraform-aws-iam's iam-role-for-service-accounts: ``source_policy_documents =
    local.source_policy_documents``, a ``flatten(concat(...))`` of ready-made documents'
    ``[*].json``, each with ``count = var.attach_x_policy ? 1 : 0``. Checkov leaves it as text
    (every such policy was "cannot be confirmed"); the documents a call switches on are read."""
    for check in ("SOC2_AWS_5", "SOC2_AWS_6"):
        assert tf[(check, "module.policy_dns.aws_iam_policy.this")].status == Status.PASSED
    admin = tf[("SOC2_AWS_6", "module.policy_attached_admin.aws_iam_policy.this")]
    assert admin.status == Status.FAILED
    assert admin.message.endswith("statement 2 allows every action ('*') on Resource '*'.")


def test_an_object_holding_a_value_known_only_when_applied_is_read_around_it(tf):
    """terraform-aws-s3-bucket takes encryption as one object: ``{ rule = {
    apply_server_side_encryption_by_default = { kms_master_key_id = aws_kms_key.objects.arn,
    sse_algorithm = "aws:kms" } } }``. The key's ARN is known only when applied, which made the
    whole object unknown; the algorithm decides, and an algorithm that is itself such a value
    stays "cannot be confirmed"."""
    kms = tf[("SOC2_AWS_11", "module.kms_bucket.aws_s3_bucket.this")]
    assert kms.status == Status.PASSED and "aws:kms" in kms.message
    unknown = tf[("SOC2_AWS_11", "module.unknown_algorithm_bucket.aws_s3_bucket.this")]
    assert unknown.status == Status.FAILED
    assert "'${aws_kms_key.objects.arn}', which cannot be resolved" in unknown.message


def test_statement_resources_checkov_renders_in_part_are_read_from_the_source(tf):
    """terraform-aws-iam's mountpoint policy (``resources = coalescelist(var.bucket_arns,
    [...])``) and terraform-aws-vpc's flow-log policy (``resources = local.create_log_group ?
    formatlist("%s:*", aws_cloudwatch_log_group.this[*].arn) : [var.destination]``). Checkov
    leaves the first as text ("cannot be confirmed") and writes the second's other branch out
    as the string ``"[*]"``, which read as a literal ARN: a false PASS. Both are evaluated
    from the source now."""
    scoped = tf[("SOC2_AWS_6", "module.log_writer_scoped.aws_iam_policy.this")]
    assert scoped.status == Status.PASSED  # the call's buckets, and the log group's own ARN
    any_bucket = tf[("SOC2_AWS_6", "module.log_writer_any_bucket.aws_iam_policy.this")]
    assert any_bucket.status == Status.FAILED
    assert any_bucket.message.endswith("statement 'Buckets' allows s3:PutObject on Resource '*'.")
    any_destination = tf[("SOC2_AWS_6", "module.log_writer_any_destination.aws_iam_policy.this")]
    assert any_destination.status == Status.FAILED
    assert any_destination.message.endswith("statement 'Logs' allows logs:PutLogEvents on Resource '*'.")
    unknown = tf[("SOC2_AWS_6", "module.log_writer_unknown_destination.aws_iam_policy.this")]
    assert unknown.status == Status.FAILED
    assert unknown.message == (
        "Cannot be confirmed: data.module.log_writer_unknown_destination.aws_iam_policy_document.this "
        "statement 2 resources is 'var.destination', which cannot be resolved from the source."
    )


def test_statement_resources_a_for_expression_formats_are_read_from_the_source(tf):
    """terraform-aws-lambda's logs policy: ``resources = flatten([for _, v in ["%v:*",
    "%v:*:*"] : format(v, local.log_group_arn)])``. Checkov renders it in part, as text with
    the variable's interpolation inside (``flatten([... format(v,${var.x})])``), which read as
    an ARN pattern: a false PASS where the ARN is a variable without a value. It is evaluated
    from the source: text around the ARN is never "*", and an ARN of "*" fails."""
    own = tf[("SOC2_AWS_6", "module.lambda_logs_own_group.aws_iam_policy.logs")]
    assert own.status == Status.PASSED
    any_group = tf[("SOC2_AWS_6", "module.lambda_logs_any_group.aws_iam_policy.logs")]
    assert any_group.status == Status.FAILED
    assert any_group.message.endswith("logs:CreateLogStream, logs:PutLogEvents on Resource '*'.")
    unknown = tf[("SOC2_AWS_6", "module.lambda_logs_unknown_group.aws_iam_policy.logs")]
    assert unknown.status == Status.FAILED and unknown.message.startswith("Cannot be confirmed")


def test_arns_through_a_partition_data_source_with_count_are_read(tf):
    """terraform-aws-eks: ``partition = try(data.aws_partition.current[0].partition, "")``
    with ``count`` on the data source, written into ``"arn:${local.partition}:iam::aws:policy"``
    and from there into every attachment of an AWS-managed policy. The instance index left
    the partition, and so every attachment, "cannot be confirmed"."""
    managed = tf[("SOC2_AWS_5", "module.partition_managed.aws_iam_role_policy_attachment.this")]
    assert managed.status == Status.PASSED
    admin = tf[("SOC2_AWS_5", "module.partition_admin.aws_iam_role_policy_attachment.this")]
    assert admin.status == Status.FAILED
    assert admin.message.startswith("Instance AdministratorAccess: IAM role cluster has the AWS-managed")


def test_an_attachment_names_the_data_source_its_arn_refers_to(tf):
    """``policy_arn = var.admin ? data.aws_iam_policy.admin.arn : data.aws_iam_policy.read_only.arn``
    refers to both data sources; Checkov renders the one chosen. Taking whichever the graph
    listed first passed the attachment of AdministratorAccess."""
    admin = tf[("SOC2_AWS_5", "module.managed_admin.aws_iam_role_policy_attachment.chosen")]
    assert admin.status == Status.FAILED
    assert admin.message == (
        "IAM role auditor has the AWS-managed AdministratorAccess policy attached "
        "(arn:aws:iam::aws:policy/AdministratorAccess)."
    )
    read_only = tf[("SOC2_AWS_5", "module.managed_read_only.aws_iam_role_policy_attachment.chosen")]
    assert read_only.status == Status.PASSED


@pytest.mark.parametrize(
    "address",
    [
        "module.partition_managed.aws_iam_role_policy_attachment.this",  # try(aws_iam_policy.this[0].arn, null)
        "module.managed_read_only.aws_iam_role_policy_attachment.tried",  # try(data.aws_iam_policy.x.arn, null)
    ],
)
def test_an_arn_through_try_with_a_null_fallback_is_that_policy(tf, address):
    """terraform-aws-eks attaches its own policy as ``try(aws_iam_policy.this[0].arn, null)``:
    that policy where it is created, and no attachment where it is not."""
    result = tf[("SOC2_AWS_5", address)]
    assert result.status == Status.PASSED, result.message
