"""examples/scale-out and examples/schedule: every ``soc2-checks`` command line in them is one
the real argument parser accepts, every job array runs exactly the shards its ``--shard`` asks
for, and the AWS Batch inputs are valid API requests."""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from soc2_checks.cli import build_parser
from soc2_checks.live.shard import INDEX_VARIABLES, resolve_shard

from ..conftest import EXAMPLES

SCALE_OUT = EXAMPLES / "scale-out"
SCHEDULE = EXAMPLES / "schedule"
FILES = sorted(p for d in (SCALE_OUT, SCHEDULE) for p in d.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
PLACEHOLDER = "placeholder"
"""What a shell variable set at run time (a date, a file found) stands for in a parsed line."""


def mentions(docs: list[Any]) -> int:
    """Command lines in a file however written: ``soc2-checks <sub-command>`` in a string (a
    shell script), or a command list starting with ``soc2-checks``."""
    parser = build_parser()
    subcommands = "|".join(re.escape(c) for c in parser._subparsers._group_actions[0].choices)
    pattern = re.compile(rf"(?<![\w/.-])soc2-checks\s+({subcommands})\b")
    nodes = [n for d in docs for n in walk(d)]
    in_text = sum(len(pattern.findall(n)) for n in nodes if isinstance(n, str))
    return in_text + sum(1 for n in nodes if isinstance(n, list) and n[:1] == ["soc2-checks"])


SEPARATORS = {";", "&&", "||", "|", "&", "(", ")"}
SHELL_WORDS = {"if", "then", "else", "elif", "do", "!", "exec", "time"}


def load(path: Path) -> list[Any]:
    text = path.read_text()
    return [json.loads(text)] if path.suffix == ".json" else [d for d in yaml.safe_load_all(text) if d is not None]


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for v in node.values():
            yield from walk(v)
    elif isinstance(node, list):
        for v in node:
            yield from walk(v)


def declared_env(docs: list[Any]) -> dict[str, str]:
    """Variables the file itself defines: Kubernetes and Batch ``env``/``environment`` lists,
    GitHub Actions ``env`` maps; plus the index each job engine sets."""
    env = dict.fromkeys(INDEX_VARIABLES, "0")
    for node in (n for d in docs for n in walk(d) if isinstance(n, dict)):
        for key in ("env", "environment"):
            value = node.get(key)
            if isinstance(value, list):
                env.update({e["name"]: str(e.get("value", PLACEHOLDER)) for e in value if isinstance(e, dict)})
            elif isinstance(value, dict):
                env.update({k: str(v) for k, v in value.items()})
    return env


def expand(text: str, env: dict[str, str], *, kubernetes: bool) -> str:
    """Kubernetes ``$(VAR)``, GitHub ``${{ ... }}``, shell ``$(command)``, ``${VAR}`` and ``$VAR``."""
    text = re.sub(r"\$\{\{[^}]*\}\}", PLACEHOLDER, text)
    if kubernetes:
        text = re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", lambda m: env.get(m[1], m[0]), text)
    text = re.sub(r"\$\([^()]*\)", PLACEHOLDER, text)
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: env.get(m[1], PLACEHOLDER), text)


def shell_commands(script: str) -> Iterator[list[str]]:
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|()")
        lexer.whitespace_split = True
        lexer.commenters = "#"
        command: list[str] = []
        for token in [*lexer, ";"]:
            if token in SEPARATORS:
                while command and command[0] in SHELL_WORDS:
                    command.pop(0)
                if command:
                    yield command
                command = []
            else:
                command.append(token)


def soc2_command_lines(path: Path) -> list[list[str]]:
    """argv (after ``soc2-checks``) of every command line in the file, variables expanded."""
    docs = load(path)
    env = declared_env(docs)
    kubernetes = any(isinstance(d, dict) and "apiVersion" in d for d in docs)
    found: list[list[str]] = []
    for node in (n for d in docs for n in walk(d) if isinstance(n, dict)):
        scripts: list[str] = []
        command = node.get("command")
        if isinstance(command, list) and command and all(isinstance(c, str) for c in command):
            if command[0] in ("sh", "bash", "/bin/sh", "/bin/bash") and "-c" in command:
                scripts.append(command[command.index("-c") + 1])
            elif command[0] == "soc2-checks":
                argv = [*command[1:], *node.get("args", [])]
                found.append([expand(a, env, kubernetes=kubernetes) for a in argv])
        if isinstance(node.get("run"), str):  # a GitHub Actions step
            scripts.append(node["run"])
        for script in scripts:
            script = expand(script, env, kubernetes=kubernetes)
            found += [c[1:] for c in shell_commands(script) if c[0] == "soc2-checks"]
    return found


def test_every_example_is_checked():
    names = {p.name for p in FILES}
    assert {"k8s-indexed-job.yaml", "k8s-merge-job.yaml", "batch-scan-job-definition.json",
            "batch-merge-job-definition.json", "github-actions-weekly.yml", "k8s-cronjob.yaml"} <= names  # fmt: skip


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_command_line_parses(path):
    lines = soc2_command_lines(path)
    assert len(lines) == mentions(load(path))  # nothing escapes the check
    parser = build_parser()
    for argv in lines:
        args = parser.parse_args(argv)
        if getattr(args, "shard", None) is not None:
            assert args.org, argv
            for index in range(args.shard.count):  # every job of the array gets a valid shard
                assert resolve_shard(args.shard, {"JOB_COMPLETION_INDEX": str(index)}).index == index


def live_lines(path: Path) -> list[Any]:
    parser = build_parser()
    return [parser.parse_args(a) for a in soc2_command_lines(path) if a[0] == "live"]


def test_the_kubernetes_job_runs_every_shard_and_the_merge_reads_them_all():
    job = next(d for d in load(SCALE_OUT / "k8s-indexed-job.yaml") if d["kind"] == "Job")
    [scan] = live_lines(SCALE_OUT / "k8s-indexed-job.yaml")
    assert job["spec"]["completionMode"] == "Indexed"
    assert job["spec"]["completions"] == scan.shard.count and scan.shard.index is None  # from the job engine
    assert scan.soft_fail and scan.output == ["json"]
    pattern = scan.output_file.replace("-0.json", "-{}.json")  # JOB_COMPLETION_INDEX expanded as 0
    [merge] = soc2_command_lines(SCALE_OUT / "k8s-merge-job.yaml")
    assert [a for a in merge if a.endswith(".json")] == [pattern.format(k) for k in range(scan.shard.count)]
    rules = job["spec"]["podFailurePolicy"]["rules"]
    assert {"action": "FailJob", "onExitCodes": {"containerName": "scan", "operator": "In", "values": [2]}} in rules


def batch_model():
    import botocore.session

    return botocore.session.get_session().get_service_model("batch")


@pytest.mark.parametrize(
    ("name", "operation"),
    [
        ("batch-scan-job-definition.json", "RegisterJobDefinition"),
        ("batch-merge-job-definition.json", "RegisterJobDefinition"),
        ("batch-scan-submit.json", "SubmitJob"),
        ("batch-merge-submit.json", "SubmitJob"),
    ],
)
def test_batch_files_are_valid_requests(name, operation):
    from botocore.validate import ParamValidator

    shape = batch_model().operation_model(operation).input_shape
    report = ParamValidator().validate(json.loads((SCALE_OUT / name).read_text()), shape)
    assert not report.has_errors(), report.generate_report()


def test_the_batch_array_runs_every_shard():
    definition = json.loads((SCALE_OUT / "batch-scan-job-definition.json").read_text())
    submit = json.loads((SCALE_OUT / "batch-scan-submit.json").read_text())
    env = {e["name"]: e["value"] for e in definition["containerProperties"]["environment"]}
    [scan] = live_lines(SCALE_OUT / "batch-scan-job-definition.json")
    assert submit["arrayProperties"]["size"] == int(env["SHARDS"]) == scan.shard.count
    assert scan.shard.index is None  # taken from AWS_BATCH_JOB_ARRAY_INDEX
    exits = definition["retryStrategy"]["evaluateOnExit"]
    assert {"onExitCode": "2", "action": "EXIT"} in exits  # bad usage is not retried
    script = (SCALE_OUT / "batch-submit.sh").read_text()
    for f in re.findall(r"file://([\w.-]+)", script):
        assert (SCALE_OUT / f).is_file(), f
    assert "--depends-on" in script


def test_the_scheduled_workflow_assumes_a_role_through_oidc_and_compares_with_the_last_run():
    [workflow] = load(SCHEDULE / "github-actions-weekly.yml")
    on = workflow.get("on", workflow.get(True))  # YAML 1.1 reads the bare key `on` as true
    assert on["schedule"][0]["cron"]
    assert workflow["permissions"]["id-token"] == "write"
    steps = workflow["jobs"]["scan"]["steps"]
    creds = next(s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@"))
    assert "role-to-assume" in creds["with"] and "aws-access-key-id" not in creds["with"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact@"))
    assert upload["if"] == "always()" and "steps.date.outputs.today" in upload["with"]["name"]
    scans = live_lines(SCHEDULE / "github-actions-weekly.yml")
    assert [bool(s.compare_to) for s in scans] == [True, False]
    assert all(s.org and {"json", "markdown"} <= set(s.output) for s in scans)


def test_the_cronjob_keeps_dated_results_and_compares_with_the_last_run():
    cron = next(d for d in load(SCHEDULE / "k8s-cronjob.yaml") if d["kind"] == "CronJob")
    assert cron["spec"]["schedule"] and cron["spec"]["concurrencyPolicy"] == "Forbid"
    scans = live_lines(SCHEDULE / "k8s-cronjob.yaml")
    assert [bool(s.compare_to) for s in scans] == [True, False]
    assert {s.output_file for s in scans} == {f"/history/{PLACEHOLDER}"}
