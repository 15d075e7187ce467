"""``soc2-checks merge``: shards combine into exactly the report one scan would give, and
anything that would count an account twice or leave one out is refused (exit 2)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from soc2_checks.cli import main
from soc2_checks.commands.common import OUTPUT_FORMATS
from soc2_checks.model import ExemptionRef, ResourceRef, Result, Severity, Status
from soc2_checks.report import ExemptionOutcome, ScanReport
from soc2_checks.schemas import validate_data

A1, A2, A3 = "111111111111", "222222222222", "333333333333"
START = dt.datetime(2026, 11, 23, 2, 0, tzinfo=dt.UTC)
UNUSED_NOTHING = "no result matched its checks and resources"
UNUSED_PASSED = "only PASSED results matched: the primary control now passes, so the exemption can be retired"


def result(account: str, check_id: str = "SOC2_AWS_13", status: Status = Status.FAILED, **kw) -> Result:
    return Result(
        check_id=check_id,
        title="The account-level S3 public access block is fully on",
        severity=Severity.HIGH,
        status=status,
        criteria=["CC6.1", "CC6.7"],
        resource=ResourceRef(
            id=kw.pop("id", account), type="AWS::::Account", account=account, region=kw.pop("region", None)
        ),
        message=kw.pop("message", "The account has no S3 public access block."),
        **kw,
    )


def unused(entry: str, reason: str = UNUSED_NOTHING) -> dict:
    return {"entry": entry, "checks": ["SOC2_AWS_13"], "resources": ["*"], "expires_on": "2027-01-31", "reason": reason}


def write(path: Path, results: list[Result], *, shard: tuple[int, int, list[str]] | None = None, kind: str = "live",
          period_end: dt.date = dt.date(2026, 11, 23), exemptions: ExemptionOutcome | None = None,
          offset_minutes: int = 0, org: str | None = "o-abc123") -> Path:  # fmt: skip
    accounts = sorted({r.resource.account for r in results if r.resource.account})
    report = ScanReport(
        kind=kind,
        started_at=START + dt.timedelta(minutes=offset_minutes),
        finished_at=START + dt.timedelta(minutes=offset_minutes + 5),
        targets=[f"aws://{a}/us-east-1" for a in accounts],
        results=results,
        period_end=period_end,
        exemptions=exemptions or ExemptionOutcome(),
        warnings=[f"warning from {path.name}", "said by every shard"],
        shard={"index": shard[0], "count": shard[1], "accounts": shard[2], "organization": org} if shard else None,
    )
    path.write_text(json.dumps(report.to_dict(), indent=2))
    return path


def merge(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(["merge", *map(str, argv)])
    out, err = capsys.readouterr()
    return code, out, err


def three_shards(tmp_path: Path, **kw) -> list[Path]:
    return [
        write(tmp_path / "s0.json", [result(A1), result(A1, "SOC2_AWS_4", Status.PASSED)], shard=(0, 3, [A1]), **kw),
        write(tmp_path / "s1.json", [result(A2, status=Status.PASSED)], shard=(1, 3, [A2]), offset_minutes=3, **kw),
        write(
            tmp_path / "s2.json",
            [result(A3, status=Status.ERROR, message="Data could not be read.")],
            shard=(2, 3, [A3]),
            offset_minutes=1,
            **kw,
        ),
    ]


def test_shards_merge_into_one_report_with_a_recomputed_summary(tmp_path, capsys):
    files = three_shards(tmp_path)
    code, out, err = merge(capsys, *files, "-o", "json")
    assert code == 1 and err == ""  # something FAILED
    report = json.loads(out)
    assert validate_data(report, "results.schema.json") == []
    assert [(r["resource"]["account"], r["check_id"], r["status"]) for r in report["results"]] == [
        (A1, "SOC2_AWS_4", "PASSED"),
        (A1, "SOC2_AWS_13", "FAILED"),
        (A2, "SOC2_AWS_13", "PASSED"),
        (A3, "SOC2_AWS_13", "ERROR"),
    ]
    assert {k: report["summary"][k] for k in ("PASSED", "FAILED", "EXEMPTED", "ERROR")} == {
        "PASSED": 2, "FAILED": 1, "EXEMPTED": 0, "ERROR": 1,
    }  # fmt: skip
    assert report["summary"]["by_criterion"]["CC6.7"] == {"PASSED": 2, "FAILED": 1, "EXEMPTED": 0, "ERROR": 1}
    assert "shard" not in report["scan"]  # the merged report is the whole organization
    assert report["scan"]["targets"] == [f"aws://{a}/us-east-1" for a in (A1, A2, A3)]
    assert report["scan"]["started_at"] == "2026-11-23T02:00:00Z"
    assert report["scan"]["finished_at"] == "2026-11-23T02:08:00Z"
    assert report["warnings"] == ["warning from s0.json", "said by every shard", "warning from s1.json",
                                  "warning from s2.json"]  # fmt: skip


def test_merge_writes_every_output_format(tmp_path, capsys):
    files = three_shards(tmp_path)
    out_dir = tmp_path / "merged"
    argv = [a for fmt in OUTPUT_FORMATS for a in ("-o", fmt)]
    code, _, err = merge(capsys, *files, *argv, "--output-file", out_dir, "--soft-fail")
    assert code == 0, err
    written = sorted(p.name for p in out_dir.iterdir())
    assert len(written) == len(OUTPUT_FORMATS)
    assert "The account has no S3 public access block." in (out_dir / "results.md").read_text()
    sarif = json.loads((out_dir / "results.sarif").read_text())
    assert sarif["runs"][0]["results"]


def test_an_entry_is_unused_only_if_unused_in_every_shard(tmp_path, capsys):
    exc = ExemptionRef("EXC-001", "Dana (CISO)", "2027-01-31")
    applied = {"entry": "EXC-001", "check_id": "SOC2_AWS_13", "resource_id": A1, "account": A1, "region": None,
               "approved_by": "Dana (CISO)", "expires_on": "2027-01-31", "via": "register"}  # fmt: skip
    soon = {"entry": "EXC-001", "checks": ["SOC2_AWS_13"], "resources": ["*"], "expires_on": "2026-12-01",
            "days_left": 8}  # fmt: skip
    files = [
        write(tmp_path / "s0.json", [result(A1, status=Status.EXEMPTED, exemption=exc)], shard=(0, 2, [A1]),
              exemptions=ExemptionOutcome(applied=[applied], unused=[unused("EXC-002"), unused("EXC-003")],
                                          expiring_soon=[soon])),
        write(tmp_path / "s1.json", [result(A2, status=Status.PASSED)], shard=(1, 2, [A2]),
              exemptions=ExemptionOutcome(unused=[unused("EXC-001"), unused("EXC-002", UNUSED_PASSED),
                                                  unused("EXC-003")], expiring_soon=[soon])),
    ]  # fmt: skip
    code, out, _ = merge(capsys, *files, "-o", "json")
    assert code == 0
    ex = json.loads(out)["exemptions"]
    assert ex["applied"] == [applied]
    # EXC-001 exempted a result in shard 0: used; EXC-002 matched PASSED results in shard 1
    assert [(u["entry"], u["reason"]) for u in ex["unused"]] == [
        ("EXC-002", UNUSED_PASSED),
        ("EXC-003", UNUSED_NOTHING),
    ]
    assert ex["expiring_soon"] == [soon]


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("duplicate", "shard 1/3 is also in"),
        ("missing", "shard(s) 2/3 missing"),
        ("counts", "runs with a different number of shards"),
        ("kinds", "its kind (iac) differs from"),
        ("periods", "its audit period (... to 2026-11-30) differs from"),
        ("plain", "it is not a shard"),
        ("overlap", f"account {A1} is also in"),
        ("orgs", "it scanned organization o-other"),
    ],
)
def test_merges_that_would_miscount_are_refused(tmp_path, capsys, case, message):
    s0, s1, s2 = three_shards(tmp_path)
    other = tmp_path / "other.json"
    if case == "duplicate":
        write(other, [result(A3)], shard=(1, 3, [A3]))
        files = [s0, s1, other]
    elif case == "missing":
        files = [s0, s1]
    elif case == "counts":
        write(other, [result(A3)], shard=(1, 4, [A3]))
        files = [s0, other]
    elif case == "kinds":
        write(other, [result(A3)], shard=(2, 3, [A3]), kind="iac")
        files = [s0, s1, other]
    elif case == "periods":
        write(other, [result(A3)], shard=(2, 3, [A3]), period_end=dt.date(2026, 11, 30))
        files = [s0, s1, other]
    elif case == "plain":
        write(other, [result(A3)])
        files = [s0, s1, other]
    elif case == "overlap":
        files = [write(tmp_path / "a.json", [result(A1)]), write(tmp_path / "b.json", [result(A1, "SOC2_AWS_4")])]
    else:
        write(other, [result(A3)], shard=(2, 3, [A3]), org="o-other")
        files = [s0, s1, other]
    code, out, err = merge(capsys, *files, "-o", "json")
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1, err


def test_partial_merges_what_there_is_and_says_what_is_missing(tmp_path, capsys):
    s0, s1, _ = three_shards(tmp_path)
    code, out, _ = merge(capsys, s0, s1, "--partial", "-o", "json")
    assert code == 1
    report = json.loads(out)
    assert report["warnings"][0].startswith("Merged without shard(s) 2/3 (--partial)")
    assert {r["resource"]["account"] for r in report["results"]} == {A1, A2}


def test_separate_account_scans_merge_too(tmp_path, capsys):
    files = [write(tmp_path / "a.json", [result(A1)]), write(tmp_path / "b.json", [result(A2, status=Status.PASSED)])]
    code, out, _ = merge(capsys, *files, "-o", "json")
    assert code == 1
    assert len(json.loads(out)["results"]) == 2


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "bad.json:1: JSON syntax error"),
        (json.dumps({"schema_version": 1}), "bad.json: 'tool' is a required property"),
        ("", "bad.json: file is empty"),
    ],
)
def test_an_invalid_input_file_is_named(tmp_path, capsys, content, message):
    good = write(tmp_path / "good.json", [result(A1)])
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    code, out, err = merge(capsys, good, bad)
    assert code == 2 and out == ""
    assert message in err, err


def test_a_results_file_with_a_bad_field_is_named_with_the_field(tmp_path, capsys):
    path = write(tmp_path / "s.json", [result(A1)])
    data = json.loads(path.read_text())
    data["results"][0]["status"] = "FINE"
    path.write_text(json.dumps(data))
    code, _, err = merge(capsys, path)
    assert code == 2
    assert "s.json: results[0].status: 'FINE' is not one of" in err


def test_the_same_file_twice_is_refused(tmp_path, capsys):
    path = write(tmp_path / "s.json", [result(A1)])
    code, _, err = merge(capsys, path, tmp_path / "." / "s.json")
    assert code == 2 and "given twice" in err
