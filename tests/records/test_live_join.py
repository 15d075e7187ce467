"""SOC2_OPS_1 and SOC2_OPS_2 from the example records joined with AWS: IAM and Identity Center
on moto (in-process), GuardDuty findings through botocore's Stubber, since moto does not
implement ListFindings/GetFindings.

The GuardDuty stub stands for an account with one detector per region whose findings API
honours the filter it is sent (severity from 7, updated since the period start; archived
findings are listed, because no ``service.archived`` criterion is sent) and pages its answer:
the stub checks that filter, and serves the IDs over two pages, as GuardDuty does for a long list.
"""

from __future__ import annotations

import datetime as dt

import pytest
from botocore.stub import Stubber

from soc2_checks.engine import evaluate
from soc2_checks.live.calls import Api
from soc2_checks.live.regions import Scope
from soc2_checks.live.scan import scan_account
from soc2_checks.live.services import iam as iam_service
from soc2_checks.live.session import Connection, ConnectOptions
from soc2_checks.mapping import load_mapping
from soc2_checks.model import Missing, Status, Unknown
from soc2_checks.plugins import load
from soc2_checks.records import live_join
from soc2_checks.records import scan as records_scan
from soc2_checks.records.load import load_records
from soc2_checks.registry import RuleContext

from ..live.faults import Inject
from .conftest import RECORDS

ACCOUNT = "123456789012"
ORG_ACCOUNT = "111122223333"
REGIONS = ("us-east-1", "eu-west-1")
SCOPE = Scope(ACCOUNT, "aws", "us-east-1", REGIONS)
START, END = dt.date(2025, 7, 1), dt.date(2026, 3, 31)
CTX = RuleContext(as_of=dt.date(2026, 4, 10), period_start=START, period_end=END)
DETECTOR = {"us-east-1": "12abc34d567e8fa901bc2d34e56789f0", "eu-west-1": "6cb5a0e1f2d3c4b5a6978877665544aa"}
SINCE_MS = 1751328000000  # 2025-07-01T00:00:00Z


def finding(region, id_, type_, severity, created, updated, archived=False, resource_type="Instance"):
    detector = DETECTOR[region]
    return {
        "AccountId": ACCOUNT,
        "Arn": f"arn:aws:guardduty:{region}:{ACCOUNT}:detector/{detector}/finding/{id_}",
        "CreatedAt": created,
        "Description": f"{type_} was detected.",
        "Id": id_,
        "Partition": "aws",
        "Region": region,
        "Resource": {"ResourceType": resource_type},
        "SchemaVersion": "2.0",
        "Service": {
            "Archived": archived,
            "Count": 3,
            "DetectorId": detector,
            "EventFirstSeen": created,
            "EventLastSeen": updated,
            "ResourceRole": "TARGET",
            "ServiceName": "guardduty",
        },
        "Severity": severity,
        "Title": f"{type_} finding",
        "Type": type_,
        "UpdatedAt": updated,
    }


FINDINGS = {
    "us-east-1": [
        finding(
            "us-east-1",
            "7ec6d1f2b9a04e3c8d5f6a7b8c9d0e1f",
            "UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS",
            8.0,
            "2026-01-12T10:02:31.512Z",
            "2026-01-14T16:00:02.000Z",
            resource_type="AccessKey",
        ),
        finding(
            "us-east-1",
            "24c6d8a1f3e54b7c9d0e1f2a3b4c5d6e",
            "CryptoCurrency:EC2/BitcoinTool.B!DNS",
            8.0,
            "2026-02-03T02:05:44.000Z",
            "2026-02-03T02:05:44.000Z",
        ),
        finding(
            "us-east-1",
            "24c6d8a1f3e54b7c9d0e1f2a3b4c5d70",
            "CryptoCurrency:EC2/BitcoinTool.B!DNS",
            8.0,
            "2026-02-03T02:06:10.000Z",
            "2026-02-03T02:06:10.000Z",
        ),
    ],
    "eu-west-1": [
        finding(
            "eu-west-1",
            "9a1b2c3d4e5f60718293a4b5c6d7e8f9",
            "Backdoor:EC2/C&CActivity.B!DNS",
            8.0,
            "2026-03-19T17:58:03.000Z",
            "2026-03-20T06:11:40.000Z",
        ),
        finding(
            "eu-west-1",
            "5f4e3d2c1b0a99887766554433221100",
            "Trojan:EC2/DNSDataExfiltration",
            8.8,
            "2026-03-28T23:40:00.000Z",
            "2026-03-28T23:40:00.000Z",
        ),
        finding(
            "eu-west-1",
            "e1d2c3b4a5968778695a4b3c2d1e0f11",
            "Policy:IAMUser/RootCredentialUsage",
            7.0,
            "2026-02-20T08:01:09.000Z",
            "2026-02-21T11:31:00.000Z",
            archived=True,
            resource_type="AccessKey",
        ),
    ],
}


class GuardDutyStub:
    """A client hook giving every GuardDuty client the responses of its region."""

    def __init__(self, deny: tuple[str, ...] = ()) -> None:
        self.deny = deny
        self.stubs: list[Stubber] = []

    def __call__(self, client) -> None:
        if client.meta.service_model.service_name != "guardduty":
            return
        region = client.meta.region_name
        stub = Stubber(client)
        if region in self.deny:
            stub.add_client_error("list_detectors", "AccessDeniedException", "not authorized", 403)
        else:
            detector = DETECTOR[region]
            found = FINDINGS[region]
            ids = [f["Id"] for f in found]
            criteria = {
                "Criterion": {"severity": {"GreaterThanOrEqual": 7}, "updatedAt": {"GreaterThanOrEqual": SINCE_MS}}
            }
            stub.add_response("list_detectors", {"DetectorIds": [detector]})
            stub.add_response(
                "list_findings",
                {"FindingIds": ids[:2], "NextToken": "page-2"},
                {"DetectorId": detector, "FindingCriteria": criteria},
            )
            stub.add_response(
                "list_findings",
                {"FindingIds": ids[2:]},
                {"DetectorId": detector, "FindingCriteria": criteria, "NextToken": "page-2"},
            )
            stub.add_response("get_findings", {"Findings": found}, {"DetectorId": detector, "FindingIds": ids})
        stub.activate()
        self.stubs.append(stub)


@pytest.fixture
def aws(monkeypatch):
    from moto import mock_aws

    for name in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    with mock_aws():
        yield


@pytest.fixture(scope="module")
def loaded():
    plugins = load(load_entry_points=False)
    return plugins, load_mapping(plugins.registry.ids(), plugins.mapping_files, [])


def seed_account() -> None:
    """The people of the example HR files, as they appear in AWS after the period."""
    import boto3
    from moto.iam.models import iam_backends

    iam = boto3.client("iam", region_name="us-east-1")
    iam.create_user(UserName="jdoe")  # Jane Doe: a key still active, used after her last day
    iam.create_access_key(UserName="jdoe")
    iam.create_user(UserName="lucas.martin")  # Lucas Martin: password and keys removed
    iam.create_user(UserName="priya.raman")  # a current employee
    iam.create_login_profile(UserName="priya.raman", Password="Correct-horse-9!")
    user = iam_backends[ACCOUNT]["global"].users["jdoe"]
    user.access_keys[0].last_used = dt.datetime(2026, 3, 2, 9, 30)

    sso = boto3.client("sso-admin", region_name="us-east-1")
    store = boto3.client("identitystore", region_name="us-east-1")
    instance = sso.list_instances()["Instances"][0]
    arn, store_id = instance["InstanceArn"], instance["IdentityStoreId"]
    readonly = sso.create_permission_set(Name="ReadOnly", InstanceArn=arn)["PermissionSet"]["PermissionSetArn"]

    def person(user_name, given, family, display=None):
        return store.create_user(
            IdentityStoreId=store_id,
            UserName=user_name,
            DisplayName=display or f"{given} {family}",
            Name={"GivenName": given, "FamilyName": family},
            Emails=[{"Value": user_name, "Type": "work", "Primary": True}],
        )["UserId"]

    def assign(principal, kind="USER"):
        sso.create_account_assignment(
            InstanceArn=arn,
            TargetId=ORG_ACCOUNT,
            TargetType="AWS_ACCOUNT",
            PermissionSetArn=readonly,
            PrincipalType=kind,
            PrincipalId=principal,
        )

    assign(person("tom.becker@northwind.example", "Tom", "Becker"))  # never used, still assigned
    person("lucas.martin@northwind.example", "Lucas", "Martin")  # assignments removed
    maria = person("maria.garcia@northwind.example", "Maria", "Garcia-Lopez")  # rehired, same e-mail
    group = store.create_group(IdentityStoreId=store_id, DisplayName="Security")["GroupId"]
    store.create_group_membership(IdentityStoreId=store_id, GroupId=group, MemberId={"UserId": maria})
    assign(group, "GROUP")
    assign(person("jane.smith@northwind.example", "Jane", "Smith"))  # a current employee


def connection(*hooks) -> Api:
    return Api(Connection(ConnectOptions(region="us-east-1"), hooks=hooks), sleep=lambda _s: None)


def judge(loaded, inventory, ctx=CTX):
    plugins, mapping = loaded
    return evaluate(inventory.subjects, plugins.registry, ctx, mapping.criteria_for)


def table(results):
    return sorted((r.check_id, r.resource.id, str(r.status)) for r in results)


def arn(region, id_):
    return f"arn:aws:guardduty:{region}:{ACCOUNT}:detector/{DETECTOR[region]}/finding/{id_}"


EXPECTED = [
    ("SOC2_OPS_1", "person:aisha.khan@northwind.example", "PASSED"),
    ("SOC2_OPS_1", "person:jane.doe@northwind.example", "FAILED"),
    ("SOC2_OPS_1", "person:lucas.martin@northwind.example", "PASSED"),
    ("SOC2_OPS_1", "person:maria.garcia@northwind.example", "FAILED"),
    ("SOC2_OPS_1", "person:tom.becker@northwind.example", "FAILED"),
    ("SOC2_OPS_2", arn("eu-west-1", "5f4e3d2c1b0a99887766554433221100"), "FAILED"),
    ("SOC2_OPS_2", arn("eu-west-1", "9a1b2c3d4e5f60718293a4b5c6d7e8f9"), "FAILED"),
    ("SOC2_OPS_2", arn("eu-west-1", "e1d2c3b4a5968778695a4b3c2d1e0f11"), "PASSED"),
    ("SOC2_OPS_2", arn("us-east-1", "24c6d8a1f3e54b7c9d0e1f2a3b4c5d6e"), "PASSED"),
    ("SOC2_OPS_2", arn("us-east-1", "24c6d8a1f3e54b7c9d0e1f2a3b4c5d70"), "PASSED"),
    ("SOC2_OPS_2", arn("us-east-1", "7ec6d1f2b9a04e3c8d5f6a7b8c9d0e1f"), "PASSED"),
]


def test_examples_joined_with_aws(aws, loaded):
    seed_account()
    stub = GuardDutyStub()
    api = connection(stub)
    inventory = live_join.subjects(load_records(RECORDS), api, SCOPE, START, END)
    results = judge(loaded, inventory)
    assert table(results) == EXPECTED
    assert inventory.unscanned == [] and inventory.warnings == []
    for s in stub.stubs:
        s.assert_no_pending_responses()
    by_id = {r.resource.id: r for r in results}

    jane = by_id["person:jane.doe@northwind.example"]
    assert jane.message == (
        "Leaver Jane Doe (last day 2026-02-27) kept AWS access after their last day: "
        "IAM user jdoe (1 active access key), used on 2026-03-02 after the last day."
    )
    assert (jane.resource.file, jane.resource.line_range, jane.resource.account) == (
        "hr-terminations.csv",
        (6, 6),
        ACCOUNT,
    )
    assert jane.criteria == ["CC6.2", "CC6.3"]
    tom = by_id["person:tom.becker@northwind.example"]
    assert "Identity Center user tom.becker@northwind.example (1 account assignment)" in tom.message
    maria = by_id["person:maria.garcia@northwind.example"]
    assert maria.message.startswith("Cannot confirm that leaver Maria Garcia (last day 2025-12-31) has no AWS access")
    assert "its e-mail belongs to current employee Maria Garcia-Lopez" in maria.message  # access through a group
    assert by_id["person:aisha.khan@northwind.example"].message.endswith("no AWS identity found.")
    lucas = by_id["person:lucas.martin@northwind.example"]
    assert lucas.message == "Leaver Lucas Martin (last day 2026-01-16) has no AWS access after their last day."
    assert len(lucas.details) == 2  # the IAM user and the Identity Center user, both without access

    two = [by_id[arn("us-east-1", i)] for i in ("24c6d8a1f3e54b7c9d0e1f2a3b4c5d6e", "24c6d8a1f3e54b7c9d0e1f2a3b4c5d70")]
    assert all("ticket(s) SEC-418" in r.message for r in two)
    assert "ticket SEC-418 was opened 11 minutes after the finding was created" in two[0].details
    no_ticket = by_id[arn("eu-west-1", "5f4e3d2c1b0a99887766554433221100")]
    assert no_ticket.message.endswith("has no ticket naming it.")
    assert no_ticket.resource.region == "eu-west-1" and no_ticket.resource.type == "AWS::GuardDuty::Finding"
    thin = by_id[arn("eu-west-1", "9a1b2c3d4e5f60718293a4b5c6d7e8f9")]
    assert "ticket(s) SEC-430, but none records what was found or what action was taken" in thin.message
    archived = by_id[arn("eu-west-1", "e1d2c3b4a5968778695a4b3c2d1e0f11")]
    assert "investigated by Priya Raman" in archived.message
    assert "the finding is archived in GuardDuty" in archived.details


def test_a_leaver_whose_last_day_is_today_is_not_yet_overdue(aws, loaded):
    seed_account()
    inventory = live_join.subjects(load_records(RECORDS), connection(GuardDutyStub()), SCOPE, START, END)
    today = RuleContext(as_of=dt.date(2026, 2, 27), period_start=START, period_end=END)
    jane = next(r for r in judge(loaded, inventory, today) if r.resource.id == "person:jane.doe@northwind.example")
    assert jane.status == Status.PASSED
    assert "last day 2026-02-27 is today" in jane.message


def test_identity_center_denied_makes_every_leaver_an_error(aws, loaded):
    seed_account()
    deny = Inject("deny", lambda service, operation, n: service == "sso-admin" and operation == "ListInstances")
    inventory = live_join.subjects(load_records(RECORDS), connection(deny, GuardDutyStub()), SCOPE, START, END)
    leavers = [r for r in judge(loaded, inventory) if r.check_id == "SOC2_OPS_1"]
    assert len(leavers) == 5 and {r.status for r in leavers} == {Status.ERROR}
    assert "sso-admin:ListInstances in us-east-1 failed: AccessDeniedException" in leavers[0].message
    assert "(needs sso:ListInstances)" in leavers[0].message


def test_findings_denied_in_one_region_is_an_error_for_that_region(aws, loaded):
    seed_account()
    inventory = live_join.subjects(
        load_records(RECORDS), connection(GuardDutyStub(deny=("eu-west-1",))), SCOPE, START, END
    )
    (gap,) = inventory.unscanned
    assert gap.resource.id == f"{ACCOUNT}/eu-west-1" and gap.resource.type == "AWS::GuardDuty::Finding"
    assert "guardduty:ListDetectors in eu-west-1 failed: AccessDeniedException" in gap.message
    assert "(needs guardduty:ListDetectors)" in gap.message
    findings = [r for r in judge(loaded, inventory) if r.check_id == "SOC2_OPS_2"]
    assert {r.resource.region for r in findings} == {"us-east-1"}


def test_no_ticket_export_makes_every_finding_an_error(aws, loaded, tmp_path):
    seed_account()
    (tmp_path / "hr-terminations.csv").write_text("Worker,Last Day\nNobody Here,2026-01-01\n")
    inventory = live_join.subjects(load_records(tmp_path), connection(GuardDutyStub()), SCOPE, START, END)
    findings = [r for r in judge(loaded, inventory) if r.check_id == "SOC2_OPS_2"]
    assert len(findings) == 6 and {r.status for r in findings} == {Status.ERROR}
    assert "reading the ticket export failed: none found in" in findings[0].message


def test_the_live_scan_runs_the_joins_beside_its_own_collectors(aws, loaded):
    """What ``soc2-checks live --records`` does: the joins' collectors added to the scan's,
    reusing the credential report the IAM collector reads."""
    seed_account()
    plugins, mapping = loaded
    stub = GuardDutyStub()
    conn = Connection(ConnectOptions(region="us-east-1"), hooks=[stub])
    records = load_records(RECORDS)
    scan = scan_account(
        conn,
        plugins.registry,
        CTX,
        mapping.criteria_for,
        regions=list(REGIONS),
        collectors=[iam_service.COLLECTOR, *live_join.collectors(records, START, END)],
        workers=4,
        api_factory=lambda c: Api(c, sleep=lambda _s: None),
    )
    ops = [r for r in scan.results if r.check_id in ("SOC2_OPS_1", "SOC2_OPS_2")]
    assert table(ops) == EXPECTED
    assert any(r.check_id == "SOC2_AWS_1" for r in scan.results)  # the configuration results beside them
    assert conn.log.operations[("iam", "GetCredentialReport")] == 1
    from_records = records_scan.run(records, plugins.registry, CTX, mapping.criteria_for, live=True)
    assert sorted({r.check_id for r in from_records.results}) == [
        "SOC2_OPS_3",
        "SOC2_OPS_4",
        "SOC2_OPS_5",
        "SOC2_OPS_6",
    ]


def test_credential_report_rows_become_identities():
    rows = [
        {
            "user": "gone",
            "password_enabled": "false",
            "password_last_used": "2026-03-05T08:00:00+00:00",
            "access_key_1_active": "false",
            "access_key_1_last_used_date": "N/A",
            "access_key_2_active": "false",
            "access_key_2_last_used_date": "N/A",
        },
        {
            "user": "odd",
            "password_enabled": "true",
            "password_last_used": "no_information",
            "access_key_1_active": "maybe",
            "access_key_1_last_used_date": "N/A",
            "access_key_2_active": "false",
            "access_key_2_last_used_date": "N/A",
        },
        {"user": "<root_account>", "password_enabled": "not_supported"},
    ]
    gone, odd = (c.identity for c in live_join.iam_candidates(rows))
    assert (gone.password_enabled, gone.active_access_keys) == (False, 0)
    assert gone.last_used == dt.datetime(2026, 3, 5, 8, 0, tzinfo=dt.UTC)  # access removed, use after is still shown
    assert odd.password_enabled is True and isinstance(odd.active_access_keys, Unknown)
    denied = Missing("iam:GetCredentialReport", "AccessDenied")
    assert live_join.iam_candidates(denied) is denied
