"""The README is the contract a newcomer follows: its first code block holds the two commands of
a fresh machine, and every soc2-checks command line it shows parses with the real CLI."""

from __future__ import annotations

import re
import shlex

import pytest

from soc2_checks.cli import build_parser

from .conftest import ROOT

README = (ROOT / "README.md").read_text()
BLOCKS = re.findall(r"```(?:bash|sh)\n(.*?)```", README, re.S)


def _commands() -> list[str]:
    out = []
    for block in BLOCKS:
        text = block.replace("\\\n", " ")
        for line in text.splitlines():
            line = line.split(" #")[0].strip()
            for part in re.split(r"&&|\|\|", line):
                part = part.strip().strip("()")
                m = re.search(r"(?:^|\s|/)soc2-checks\s+(.*)$", part)
                if m and not part.startswith("#"):
                    out.append(m.group(1))
    return out


def test_first_block_installs_and_scans_then_installs_and_tests():
    first = [line for line in BLOCKS[0].splitlines() if line.strip()]
    assert len(first) == 2
    assert "pip install ." in first[0] and "soc2-checks iac" in first[0]
    assert "pip install '.[test]'" in first[1] and first[1].rstrip().endswith("pytest")


@pytest.mark.parametrize("command", _commands())
def test_every_shown_command_parses(command):
    argv = shlex.split(command.replace("$(date +%F)", "2026-11-26").replace("<the hash it printed>", "abc"))
    argv = [a for a in argv if not a.startswith(">")]
    args = build_parser().parse_args(argv)
    assert callable(args.func)
