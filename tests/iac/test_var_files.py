"""``soc2-checks iac --var-file``: a root module configured by ``terraform plan -var-file`` has
no value for those variables without the file, so its results cannot be confirmed; with it,
they are judged on the file's values, as ``checkov --var-file`` judges them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from soc2_checks.cli import main
from soc2_checks.iac import runner as iac_runner
from soc2_checks.iac import tf_roots
from soc2_checks.model import Source, Status

from .conftest import CTX

pytestmark = pytest.mark.slow

TRAIL = """\
variable "multi_region" {
  type = bool
}

variable "validation" {
  type = bool
}

resource "aws_cloudtrail" "main" {
  name                       = "main"
  s3_bucket_name             = "acme-trail-logs"
  is_multi_region_trail      = var.multi_region
  enable_log_file_validation = var.validation
}
"""


@pytest.fixture
def stack(tmp_path: Path) -> Path:
    root = tmp_path / "stack"
    root.mkdir()
    (root / "main.tf").write_text(TRAIL)
    module = tmp_path / "modules" / "trail"
    module.mkdir(parents=True)
    (module / "main.tf").write_text(TRAIL.replace("type = bool\n", "type    = bool\n  default = false\n"))
    (root / "module.tf").write_text('module "regional" {\n  source = "../modules/trail"\n}\n')
    variables = tmp_path / "vars"
    variables.mkdir()
    (variables / "prod.tfvars").write_text("multi_region = true\nvalidation   = true\n")
    (variables / "single.tfvars.json").write_text(json.dumps({"multi_region": False}))
    return tmp_path


def _results(stack: Path, registry, var_files: list[str], jobs: int = 1):
    files = [str(stack / "vars" / f) for f in var_files]
    directories = [str(stack / "stack")]
    return iac_runner.scan(
        directories, [Source.TERRAFORM], registry, CTX, lambda _id: [], False, jobs, var_files=files
    )[0].results


def _verdicts(stack: Path, registry, var_files: list[str], jobs: int = 1) -> dict[str, tuple[Status, str]]:
    results = _results(stack, registry, var_files, jobs)
    return {r.check_id: (r.status, r.message) for r in results if not r.resource.id.startswith("module.")}


def test_without_the_file_the_variables_have_no_value(stack, registry):
    verdicts = _verdicts(stack, registry, [])
    assert {v[0] for v in verdicts.values()} == {Status.FAILED}
    assert verdicts["SOC2_AWS_8"][1].startswith("Cannot be confirmed: aws_cloudtrail.main.is_multi_region_trail")


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_file_gives_the_variables_their_values(stack, registry, jobs):
    if jobs > 1 and not tf_roots.can_fork():
        pytest.skip("this platform cannot fork")
    verdicts = _verdicts(stack, registry, ["prod.tfvars"], jobs)
    assert verdicts["SOC2_AWS_8"][0] == Status.PASSED
    assert verdicts["SOC2_AWS_9"][0] == Status.PASSED


def test_the_file_sets_the_root_modules_variables_only(stack, registry):
    """As with ``terraform plan -var-file``: a module's variables come from its call and its
    defaults, not from the file."""
    results = _results(stack, registry, ["prod.tfvars"])
    module = {r.check_id: r.status for r in results if r.resource.id.startswith("module.regional.")}
    assert module == {"SOC2_AWS_8": Status.FAILED, "SOC2_AWS_9": Status.FAILED}


def test_a_later_file_wins(stack, registry):
    verdicts = _verdicts(stack, registry, ["prod.tfvars", "single.tfvars.json"])
    assert verdicts["SOC2_AWS_8"] == (Status.FAILED, "Trail main records only its home region.")
    assert verdicts["SOC2_AWS_9"][0] == Status.PASSED


def test_the_command_line_applies_the_file(stack, tmp_path):
    out = tmp_path / "results.json"
    argv = ["iac", "-d", str(stack / "stack"), "--var-file", str(stack / "vars" / "prod.tfvars")]
    assert main([*argv, "-o", "json", "--output-file", str(out)]) == 1  # the module's trail fails
    results = json.loads(out.read_text())["results"]
    assert {r["status"] for r in results if r["resource"]["id"] == "aws_cloudtrail.main"} == {"PASSED"}


@pytest.mark.parametrize(
    ("name", "text", "error"),
    [
        ("missing.tfvars", None, "no such file"),
        ("broken.tfvars", 'multi_region = true\nregions = ["a",\n', "line 2, column 16"),
        ("broken.tfvars.json", '{"multi_region": ', "line 1 column 18"),
        ("list.tfvars.json", "[true]", "not a set of variable values"),
    ],
)
def test_a_file_that_cannot_be_read_stops_the_scan(stack, tmp_path, capsys, name, text, error):
    """Checkov would skip it and leave every variable it sets without a value."""
    path = tmp_path / name
    if text is not None:
        path.write_text(text)
    out = tmp_path / "results.json"
    argv = ["iac", "-d", str(stack / "stack"), "--var-file", str(path), "-o", "json", "--output-file", str(out)]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"soc2-checks: error: --var-file {path}: ") and error in err
    assert "\n" not in err and "Traceback" not in err
    assert not out.exists()
