"""The evidence package against the audit-readiness guide's own evidence script.

Builds the live scanner's benchmark account (``bench/live_bench.py``: N IAM users, half with
console passwords, a third with MFA, one access key each; N/5 customer-managed policies; 2N
buckets; in each of 4 regions N/5 security groups, N/10 KMS keys and a GuardDuty detector; one
trail) on its request-counting moto server, opens two in five of the security groups to SSH
from anywhere (what the guide's script looks for), then measures, as medians of several runs
on the same account, wall time, HTTP requests and peak memory of:

- the guide's ``export-soc2-evidence.sh``, exactly as printed (``aws`` CLI, ``AWS_ENDPOINT_URL``
  pointing at the server, region us-east-1);
- ``soc2-checks evidence`` over all 4 regions,

and reports what each captured and missed. Needs the ``aws`` CLI on PATH (``pip install
awscli`` into a separate virtual environment is enough; it is not a project dependency).

    python bench/evidence_bench.py [--n 200] [--runs 3] [--write-results]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
import live_bench as lb  # noqa: E402  (the live scanner's account, server and measurement)

GUIDE_SCRIPT = r"""#!/bin/bash
# export-soc2-evidence.sh
# Run from a role with SecurityAudit managed policy attached
ACCOUNT=$(aws sts get-caller-identity --query Account --output text)
REGION=$(aws configure get region)
DATE=$(date +%Y-%m-%d)
OUT="soc2-evidence-${DATE}"
mkdir -p "$OUT"/{iam,cloudtrail,guardduty,config,network,encryption,securityhub}
echo "[1/9] IAM credential report..."
aws iam generate-credential-report > /dev/null 2>&1
sleep 5
aws iam get-credential-report --query Content --output text | base64 -d \
> "$OUT/iam/credential-report-${DATE}.csv"
echo "[2/9] IAM password policy..."
aws iam get-account-password-policy > "$OUT/iam/password-policy.json"
echo "[3/9] Root account summary..."
aws iam get-account-summary > "$OUT/iam/account-summary.json"
echo "[4/9] CloudTrail configuration..."
aws cloudtrail describe-trails --include-shadow-trails > "$OUT/cloudtrail/trails.json"
aws cloudtrail get-trail-status --name org-trail > "$OUT/cloudtrail/trail-status.json" 2>/dev/null
echo "[5/9] GuardDuty detector config..."
DETECTOR=$(aws guardduty list-detectors --query 'DetectorIds[0]' --output text)
aws guardduty get-detector --detector-id "$DETECTOR" > "$OUT/guardduty/detector.json"
echo "[6/9] Config rule compliance..."
aws configservice describe-compliance-by-config-rule \
--query 'ComplianceByConfigRules[*].[ConfigRuleName,Compliance.ComplianceType]' \
--output table > "$OUT/config/rule-compliance-${DATE}.txt"
echo "[7/9] Security group audit (SSH/RDP open)..."
aws ec2 describe-security-groups \
--filters "Name=ip-permission.from-port,Values=22" "Name=ip-permission.cidr,Values=0.0.0.0/0" \
--query 'SecurityGroups[*].[GroupId,GroupName]' --output table \
> "$OUT/network/open-ssh-security-groups.txt"
echo "[8/9] KMS key rotation status..."
aws kms list-keys --query 'Keys[*].KeyId' --output text | tr '\t' '\n' | while read KEY; do
STATUS=$(aws kms get-key-rotation-status --key-id "$KEY" --query 'KeyRotationEnabled' --output text 2>/dev/null)
echo "$KEY: $STATUS"
done > "$OUT/encryption/kms-rotation-status.txt"
echo "[9/9] S3 public access block (account level)..."
aws s3control get-public-access-block --account-id "$ACCOUNT" \
> "$OUT/encryption/s3-public-access-block.json"
echo ""
echo "Evidence exported to: $OUT/"
echo "Account: $ACCOUNT | Region: $REGION | Date: $DATE"
"""
"""The script as the guide prints it ("Evidence Collection Script"), character for character."""


def open_ssh(url: str, n: int) -> int:
    """Two in five of each region's groups admit SSH from anywhere."""
    import boto3

    opened = 0
    for region in lb.REGIONS:
        ec2 = boto3.client(
            "ec2", region_name=region, endpoint_url=url, aws_access_key_id="bench", aws_secret_access_key="bench"
        )
        groups = ec2.describe_security_groups(Filters=[{"Name": "group-name", "Values": ["sg-*"]}])["SecurityGroups"]
        for g in sorted(groups, key=lambda g: g["GroupName"])[: n // 5]:
            if int(g["GroupName"][3:]) % 5 < 2:
                ec2.authorize_security_group_ingress(
                    GroupId=g["GroupId"],
                    IpPermissions=[
                        {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}
                    ],
                )
                opened += 1
    return opened


def script_command(where: Path) -> list[str]:
    script = where / "export-soc2-evidence.sh"
    script.write_text(GUIDE_SCRIPT)
    return ["bash", str(script)]


def evidence_command(url: str, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "soc2_checks", "evidence", "--endpoint-url", url, "--regions", ",".join(lb.REGIONS),
        "--out", str(out),
    ]  # fmt: skip


def script_captured(where: Path) -> dict[str, object]:
    [out] = [p for p in where.iterdir() if p.is_dir() and p.name.startswith("soc2-evidence-")]
    files = sorted(p for p in out.rglob("*") if p.is_file())
    empty = [p.relative_to(out).as_posix() for p in files if p.stat().st_size == 0]
    kms = out / "encryption/kms-rotation-status.txt"
    keys = [line for line in kms.read_text().splitlines() if line.strip()] if kms.exists() else []
    ssh = out / "network/open-ssh-security-groups.txt"
    groups = [line for line in ssh.read_text().splitlines() if "sg-" in line] if ssh.exists() else []
    return {
        "files": len(files),
        "empty_files": empty,
        "kms_keys": len(keys),
        "open_ssh_groups": len(groups),
        "buckets": 0,
        "regions": 1,
    }


def evidence_captured(out: Path) -> dict[str, object]:
    manifest = json.loads((out / "manifest.json").read_text())
    keys = json.loads((out / "CC6-encryption/kms-key-list.json").read_text())["data"]
    groups = json.loads((out / "CC6-network/security-group-rules.json").read_text())["data"]
    buckets = json.loads((out / "CC6-encryption/s3-encryption-config.json").read_text())["data"]
    open_ssh = 0
    for region in groups.values():
        for g in region.get("SecurityGroups", []):
            for p in g.get("IpPermissions", []):
                wide = any(r.get("CidrIp") == "0.0.0.0/0" for r in p.get("IpRanges", []))
                if wide and p.get("FromPort", -1) <= 22 <= p.get("ToPort", -1):
                    open_ssh += 1
    customer_keys = sum(
        1 for region in keys.values() for k in region if isinstance(k, dict) and k.get("KeyManager") == "CUSTOMER"
    )
    states: dict[str, list[str]] = {}
    for e in manifest["artifacts"]:
        states.setdefault(e["state"], []).append(e["path"])
    return {
        "files": sum(1 for p in out.rglob("*") if p.is_file()),
        "artifacts": len(manifest["artifacts"]),
        "missing_or_partial": {s: v for s, v in states.items() if s != "COLLECTED"},
        "kms_keys": customer_keys,
        "open_ssh_groups": open_ssh,
        "buckets": len(buckets),
        "regions": len(manifest["regions"]),
    }


def write_results(section: str) -> None:
    """Put the section under its heading in bench/RESULTS.md, leaving other sections alone."""
    path = ROOT / "bench" / "RESULTS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    heading = "## Evidence package"
    if heading in text:
        before, _, rest = text.partition(heading)
        nxt = rest.find("\n## ")
        after = rest[nxt + 1 :] if nxt >= 0 else ""
        text = before + section + ("\n" + after if after else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--write-results", action="store_true", help="record the figures in bench/RESULTS.md")
    args = parser.parse_args()
    if shutil.which("aws") is None:
        raise SystemExit("the aws CLI is not on PATH: pip install awscli into a separate virtual environment")
    log = lb.RequestLog()
    server, url = lb.start_server(log)
    tmp = Path(tempfile.mkdtemp(prefix="soc2-evidence-bench-"))
    try:
        lb.reset(url)
        started = time.perf_counter()
        built = lb.build_account(url, args.n)
        built["open_ssh"] = open_ssh(url, args.n)
        built["groups"] *= len(lb.REGIONS)
        built["keys"] *= len(lb.REGIONS)
        print(f"account built in {time.perf_counter() - started:.1f}s: {built}", file=sys.stderr)
        lb.measure(evidence_command(url, tmp / "warm"), lb.base_env(), log)  # moto's lazy backends, file cache
        script_runs, our_runs = [], []
        for i in range(args.runs):
            where = tmp / f"script-{i}"
            where.mkdir()
            script_runs.append(lb.measure(script_command(where), lb.base_env(url), log, cwd=str(where)))
            script_seen = script_captured(where)
            our_runs.append(lb.measure(evidence_command(url, tmp / f"package-{i}"), lb.base_env(), log))
            ours_seen = evidence_captured(tmp / f"package-{i}")
            print(f"run {i + 1}: guide script {script_runs[-1].wall:.2f}s, evidence {our_runs[-1].wall:.2f}s",
                  file=sys.stderr)  # fmt: skip
        s, o = lb.median(script_runs, "wall"), lb.median(our_runs, "wall")
        print(f"median: guide script {s:.2f}s, soc2-checks evidence {o:.2f}s ({s / o:.1f}x)")
        print("script captured:", json.dumps(script_seen))
        print("soc2-checks captured:", json.dumps(ours_seen))
        if args.write_results:
            write_results(report(args, built, script_runs, our_runs, script_seen, ours_seen))
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)


def report(args, built, script_runs, our_runs, script_seen, ours_seen) -> str:
    s, o = lb.median(script_runs, "wall"), lb.median(our_runs, "wall")
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    missing = ours_seen["missing_or_partial"]

    def row(name: str, runs: list) -> str:
        return (
            f"| {name} | {lb.median(runs, 'wall'):.1f} s ({', '.join(f'{r.wall:.1f}' for r in runs)}) | "
            f"{lb.median(runs, 'requests'):.0f} | {lb.median(runs, 'maxrss_mb'):.0f} MB |"
        )

    lines = [
        "## Evidence package",
        "",
        f"`python bench/evidence_bench.py --n {args.n} --runs {args.runs} --write-results` on {dt.date.today()} "
        f"({machine}; other work was running on the machine, so both columns are slower than on an idle one), "
        f"against the live benchmark's moto server in 4 regions ({', '.join(lb.REGIONS)}): {built['users']} IAM "
        f"users, {built['policies']} customer-managed policies, {built['buckets']} buckets, {built['groups']} "
        f"security groups ({built['open_ssh']} open to SSH), {built['keys']} KMS keys, a detector per region, one "
        "trail.",
        "",
        "| | wall time, median (runs) | HTTP requests | peak memory |",
        "|---|---|---:|---:|",
        row("the guide's `export-soc2-evidence.sh` (aws CLI, `AWS_ENDPOINT_URL` set)", script_runs),
        row(f"`soc2-checks evidence --regions {','.join(lb.REGIONS)}`", our_runs),
        "",
        f"soc2-checks evidence is {s / o:.1f}x faster while reading every region. It costs the time of "
        "`soc2-checks live` and little more: the artifacts are the responses the scan itself received.",
        "",
        "What each captured:",
        "",
        f"- **the guide's script**: one region (the profile's); {script_seen['files']} files, of which "
        f"{len(script_seen['empty_files'])} empty without a word on stdout ({', '.join(script_seen['empty_files'])}); "
        f"{script_seen['kms_keys']} of {built['keys']} KMS keys, {script_seen['open_ssh_groups']} of "
        f"{built['open_ssh']} open-SSH groups, no bucket settings, no EBS, RDS, Config recorder, alarm, VPC, IAM "
        "policy or Identity Center data, no populations, no hashes or collection times. Its `sleep 5` after "
        "generating the credential report is part of its time, and so are the aws CLI's retries of "
        "`describe-compliance-by-config-rule`, which moto does not implement (it answers 500).",
        f"- **soc2-checks evidence**: {ours_seen['regions']} regions; {ours_seen['artifacts']} artifacts indexed "
        f"with SHA-256 ({ours_seen['files']} files with index and manifest); {ours_seen['kms_keys']} KMS keys, "
        f"{ours_seen['open_ssh_groups']} open-SSH groups, {ours_seen['buckets']} buckets with encryption, public "
        "access block and ACL, plus the scan results (JSON, CSV, HTML). Not captured, and said so in its index: "
        + "; ".join(f"{state.lower()}: {', '.join(paths)}" for state, paths in missing.items())
        + " (moto implements no GuardDuty findings API; without --records and --exemptions their artifacts are "
        "missing by design).",
        "",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
