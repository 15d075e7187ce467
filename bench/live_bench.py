"""Live scan benchmark: ``soc2-checks live`` against an account on a local moto server, at two
scales, side by side with Prowler's equivalent checks on the same server and account.

The account at scale N (as issue "Scheduled scans" specifies): N IAM users, half with a
console password, a third with MFA, one access key each; N/5 customer-managed policies; 2N
buckets; in each of 4 regions N/5 security groups, N/10 KMS keys and a GuardDuty detector; one
trail. Measured per run, each tool in its own child process: wall time, HTTP requests the
server received (every retry and page counted), and peak memory (the child's maxrss, from
``os.wait4``). Medians of several runs are printed as a Markdown table.

The minimum number of calls is what reading every resource once takes with the largest page
sizes AWS allows: one listing per service and region, one read per resource and setting the
checks need (3 per bucket, 2 per KMS key, 1 per detector and trail), and the account-level
reads.

Prowler runs from its own virtualenv (it is never a dependency of this project):

    python -m venv /tmp/prowler-venv && /tmp/prowler-venv/bin/pip install prowler==5.46.0
    python bench/live_bench.py --scales 50,200 --runs 5 --prowler /tmp/prowler-venv/bin/prowler
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import logging
import math
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REGIONS = ("us-east-1", "eu-west-1", "us-west-2", "ap-southeast-2")
ACCOUNT = "123456789012"
PROWLER_CHECKS = (
    "iam_user_mfa_enabled_console_access",
    "iam_root_mfa_enabled",
    "iam_no_root_access_key",
    "iam_rotate_access_key_90_days",
    "iam_password_policy_minimum_length_14",
    "iam_aws_attached_policy_no_administrative_privileges",
    "iam_customer_attached_policy_no_administrative_privileges",
    "iam_inline_policy_no_administrative_privileges",
    "iam_policy_attached_only_to_group_or_roles",
    "cloudtrail_multi_region_enabled",
    "cloudtrail_log_file_validation_enabled",
    "guardduty_is_enabled",
    "s3_bucket_default_encryption",
    "s3_bucket_level_public_access_block",
    "s3_account_level_public_access_blocks",
    "kms_cmk_rotation_enabled",
    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
    "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
    "ec2_ebs_default_encryption",
    "rds_instance_storage_encrypted",
    "config_recorder_all_regions_enabled",
)
"""The Prowler checks equivalent to SOC2_AWS_1..18."""

MOTO_ENV = {"MOTO_EC2_LOAD_DEFAULT_AMIS": "false", "MOTO_IAM_LOAD_MANAGED_POLICIES": "true"}


# --- the server ------------------------------------------------------------------------------


@dataclass
class RequestLog:
    """Requests the server received, by service and operation, while ``on``."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    counts: Counter = field(default_factory=Counter)

    def reset(self) -> None:
        with self.lock:
            self.counts = Counter()

    def add(self, key: tuple[str, str]) -> None:
        with self.lock:
            self.counts[key] += 1

    def total(self) -> int:
        with self.lock:
            return sum(self.counts.values())


SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


def operation_of(environ: dict) -> tuple[str, tuple[str, str]]:
    """(body to put back, (service, operation)) for a request, from its signature scope and
    its Action parameter, X-Amz-Target header, or method and path."""
    auth = environ.get("HTTP_AUTHORIZATION", "")
    m = SCOPE.search(auth)
    service = m[1] if m else "unsigned"
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target:
        return "", (service, target.rsplit(".", 1)[-1])
    query = environ.get("QUERY_STRING", "")
    action = re.search(r"(?:^|&)Action=([A-Za-z]+)", query)
    body = ""
    if not action and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length).decode("utf-8", "replace")
        action = re.search(r"(?:^|&)Action=([A-Za-z]+)", body)
    if action:
        return body, (service, action[1])
    path = environ.get("PATH_INFO", "")
    shape = re.sub(r"/[^/]+", "/{}", path) if service != "s3" else ("/{}" if path.strip("/") else "/")
    sub = "?" + "&".join(sorted(k.split("=")[0] for k in query.split("&") if k)) if query else ""
    return body, (service, f"{environ.get('REQUEST_METHOD')} {shape}{sub}")


def start_server(log: RequestLog) -> tuple[Any, str]:
    os.environ.update(MOTO_ENV)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
    from moto.server import DomainDispatcherApplication, ThreadedMotoServer, create_backend_app
    from werkzeug.serving import make_server

    class CountingServer(ThreadedMotoServer):
        def _server_entry(self) -> None:
            app = DomainDispatcherApplication(create_backend_app)

            def counting(environ, start_response):
                if not environ.get("PATH_INFO", "").startswith("/moto-api"):
                    body, key = operation_of(environ)
                    if body:
                        environ["wsgi.input"] = io.BytesIO(body.encode())
                    log.add(key)
                return app(environ, start_response)

            from moto.server import MotoRequestHandler  # type: ignore[attr-defined]

            self._server = make_server(self._ip_address, self._port, counting, True, request_handler=MotoRequestHandler)
            self._server_ready_event.set()
            self._server.serve_forever()

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = CountingServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    return server, f"http://127.0.0.1:{port}"


def reset(url: str) -> None:
    urllib.request.urlopen(urllib.request.Request(f"{url}/moto-api/reset", method="POST")).read()


# --- the account -----------------------------------------------------------------------------


def build_account(url: str, n: int) -> dict[str, int]:
    import boto3
    from botocore.config import Config

    session = boto3.Session(aws_access_key_id="bench", aws_secret_access_key="bench", region_name=REGIONS[0])
    config = Config(retries={"mode": "standard", "max_attempts": 3}, s3={"addressing_style": "path"})

    def client(service: str, region: str = REGIONS[0]):
        return session.client(service, region_name=region, endpoint_url=url, config=config)

    iam = client("iam")
    policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}]}
    for i in range(n // 5):
        iam.create_policy(PolicyName=f"policy-{i:04d}", PolicyDocument=json.dumps(policy))
    for i in range(n):
        user = f"user-{i:04d}"
        iam.create_user(UserName=user)
        iam.create_access_key(UserName=user)
        if i % 2 == 0:
            iam.create_login_profile(UserName=user, Password="Correct-horse-9!")
        if i % 3 == 0:
            serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
            iam.enable_mfa_device(UserName=user, SerialNumber=serial, AuthenticationCode1="123456",
                                  AuthenticationCode2="654321")  # fmt: skip
    s3 = client("s3")
    for i in range(2 * n):
        s3.create_bucket(Bucket=f"bench-bucket-{i:05d}")
    s3.create_bucket(Bucket="bench-trail")
    client("cloudtrail").create_trail(Name="main", S3BucketName="bench-trail", IsMultiRegionTrail=True)
    for region in REGIONS:
        ec2 = client("ec2", region)
        for i in range(n // 5):
            ec2.create_security_group(GroupName=f"sg-{i:04d}", Description="bench")
        kms = client("kms", region)
        for _ in range(n // 10):
            kms.create_key()
        client("guardduty", region).create_detector(Enable=True)
    return {"users": n, "policies": n // 5, "buckets": 2 * n + 1, "groups": n // 5, "keys": n // 10}


def minimum_calls(n: int) -> int:
    """Reading every resource once, with the largest pages AWS allows."""
    buckets = 2 * n + 1
    keys = n // 10
    iam_entities = n + n // 5  # users and customer-managed policies (no groups or roles here)
    account = 1 + 1  # GetCallerIdentity, DescribeRegions
    iam = 1 + 1 + 1 + 1 + math.ceil(iam_entities / 1000)  # Generate/GetCredentialReport, summary, password policy
    s3 = 1 + 3 * buckets + 1  # ListBuckets; encryption, public access block, ACL; account block
    trail = 1 + 1  # DescribeTrails (shadow trails included) once, GetTrailStatus for the one trail
    per_region = (
        2  # GuardDuty ListDetectors, GetDetector
        + 1 + 2 * keys  # KMS ListKeys; DescribeKey, GetKeyRotationStatus
        + 3  # DescribeSecurityGroups, DescribeVolumes, GetEbsEncryptionByDefault
        + 2  # DescribeDBInstances, DescribeDBClusters
        + 1  # DescribeConfigurationRecorders (no recorder: no status to read)
        + 1 + 1  # EventBridge ListRules, CloudWatch Logs DescribeMetricFilters
    )  # fmt: skip
    return account + iam + s3 + trail + per_region * len(REGIONS)


# --- runs ------------------------------------------------------------------------------------


@dataclass
class Run:
    wall: float
    requests: int
    maxrss_mb: float
    exit_code: int
    by_operation: Counter


LAUNCHER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.posix_spawn(sys.argv[1], sys.argv[1:], os.environ)
_, status, usage = os.wait4(pid, 0)
print(json.dumps({"wall": time.perf_counter() - started, "code": os.waitstatus_to_exitcode(status),
                  "maxrss_kb": usage.ru_maxrss}))
"""
"""Linux keeps a process's peak RSS across exec, so a child started from this process (which
holds the moto server) would report this process's size as its own. Each measured command is
therefore started by a fresh, small interpreter, which reports the command's own rusage."""


def measure(argv: list[str], env: dict[str, str], log: RequestLog, cwd: str | None = None) -> Run:
    log.reset()
    binary = shutil.which(argv[0]) or argv[0]
    done = subprocess.run(
        [sys.executable, "-I", "-S", "-c", LAUNCHER, binary, *argv[1:]],
        env=env, capture_output=True, cwd=cwd, check=False,
    )  # fmt: skip
    stats = json.loads(done.stdout.decode().strip().splitlines()[-1])
    if stats["code"] not in (0, 1, 3):
        sys.stderr.write(done.stderr.decode(errors="replace")[-3000:])
        raise SystemExit(f"{argv[0]} exited {stats['code']}")
    with log.lock:
        counts = Counter(log.counts)
    return Run(stats["wall"], sum(counts.values()), stats["maxrss_kb"] / 1024, stats["code"], counts)


def base_env(url: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "MOTO_"))}
    env.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION=REGIONS[0],
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    if url:
        env["AWS_ENDPOINT_URL"] = url
    return env


def ours(url: str, out: Path) -> list[str]:
    return [
        sys.executable, "-m", "soc2_checks", "live", "--endpoint-url", url, "--regions", ",".join(REGIONS),
        "--soft-fail", "-o", "json", "--output-file", str(out),
    ]  # fmt: skip


def prowler(binary: str, out: Path) -> list[str]:
    return [
        binary, "aws", "--region", *REGIONS, "--checks", *PROWLER_CHECKS, "--scan-unused-services",
        "--output-formats", "json-ocsf", "--output-directory", str(out), "--no-banner", "--ignore-exit-code-3",
    ]  # fmt: skip


def median(runs: list[Run], attr: str) -> float:
    return statistics.median(getattr(r, attr) for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scales", default="50,200", help="comma-separated N (default 50,200)")
    parser.add_argument("--runs", type=int, default=5, help="runs per tool and scale; medians are reported")
    parser.add_argument("--prowler-runs", type=int, default=3, help="runs of Prowler per scale")
    parser.add_argument("--prowler", metavar="PATH", help="the prowler executable (in its own virtualenv)")
    parser.add_argument("--breakdown", action="store_true", help="print requests by operation for the last run")
    args = parser.parse_args()
    scales = [int(s) for s in args.scales.split(",")]

    log = RequestLog()
    server, url = start_server(log)
    tmp = Path(tempfile.mkdtemp(prefix="soc2-live-bench-"))
    rows: list[str] = []
    try:
        for n in scales:
            reset(url)
            started = time.perf_counter()
            built = build_account(url, n)
            print(f"N={n}: account built in {time.perf_counter() - started:.1f}s: {built}", file=sys.stderr)
            out = tmp / f"ours-{n}.json"
            measure(ours(url, out), base_env(), log)  # warm the file cache and moto's lazy backends
            runs = [measure(ours(url, out), base_env(), log) for _ in range(args.runs)]
            results = json.loads(out.read_text())
            errors = results["summary"]["ERROR"]
            print(f"N={n}: ours {[round(r.wall, 2) for r in runs]} s, {len(results['results'])} results, "
                  f"{errors} ERROR", file=sys.stderr)  # fmt: skip
            if args.breakdown:
                for (service, op), count in sorted(runs[-1].by_operation.items()):
                    print(f"  {service:12s} {op:45s} {count}", file=sys.stderr)
            minimum = minimum_calls(n)
            row = (
                f"| {n} | soc2-checks | {median(runs, 'wall'):.2f} s | {median(runs, 'requests'):.0f} "
                f"({median(runs, 'requests') / minimum:.2f}x the minimum {minimum}; "
                f"{median(runs, 'requests') / n:.1f}/N) "
                f"| {median(runs, 'maxrss_mb'):.0f} MB | {args.runs} |"
            )
            rows.append(row)
            if args.prowler:
                p_runs = []
                for i in range(args.prowler_runs):
                    p_out = tmp / f"prowler-{n}-{i}"
                    p_runs.append(measure(prowler(args.prowler, p_out), base_env(url), log, cwd=str(tmp)))
                print(f"N={n}: prowler {[round(r.wall, 2) for r in p_runs]} s", file=sys.stderr)
                if args.breakdown:
                    for (service, op), count in sorted(p_runs[-1].by_operation.items()):
                        print(f"  prowler {service:12s} {op:45s} {count}", file=sys.stderr)
                rows.append(
                    f"| {n} | Prowler | {median(p_runs, 'wall'):.2f} s | {median(p_runs, 'requests'):.0f} "
                    f"({median(p_runs, 'requests') / n:.1f}/N) | {median(p_runs, 'maxrss_mb'):.0f} MB | "
                    f"{args.prowler_runs} |"
                )
                rows.append(
                    f"| {n} | ratio | {median(runs, 'wall') / median(p_runs, 'wall'):.2f}x | "
                    f"{median(runs, 'requests') / median(p_runs, 'requests'):.2f}x | "
                    f"{median(runs, 'maxrss_mb') / median(p_runs, 'maxrss_mb'):.2f}x | |"
                )
    finally:
        server.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    print(f"Measured {dt.date.today()} on {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{platform.platform()}\n")  # fmt: skip
    print("| N | tool | wall time (median) | HTTP requests (median) | peak memory (median maxrss) | runs |")
    print("|---:|---|---:|---:|---:|---:|")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
