"""One IaC resource, possibly several views: how their verdicts become the resource's one result.

An ``aws_instance`` has a root device and EBS devices, an IAM role has several inline
policies, and a CloudFormation resource with ``Fn::If`` has one version per condition value.
Checkov reports one result per check and resource, so the verdicts of the parts are combined:
the resource passes only when every part passes, and a failing part is named.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..engine import run_check
from ..model import Status, Verdict
from ..registry import CheckDef, RuleContext


@dataclass(frozen=True)
class Part:
    """A view of (part of, or one version of) a resource, with what distinguishes it."""

    view: object
    label: str = ""


def judge(check: CheckDef, parts: Iterable[Part], ctx: RuleContext) -> Verdict | None:
    """The check's verdict on a resource; None when the check has nothing to say about it."""
    verdicts = [(p.label, v) for p in parts if check.applies_to(p.view) and (v := run_check(check, p.view, ctx))]
    return combine(verdicts)


def combine(verdicts: list[tuple[str, Verdict]]) -> Verdict | None:
    if not verdicts:
        return None
    if len(verdicts) == 1:
        return verdicts[0][1]
    statuses = {v.status for _, v in verdicts}
    if Status.FAILED in statuses:
        status = Status.FAILED
    elif Status.ERROR in statuses:
        status = Status.ERROR
    else:
        status = Status.PASSED
    decisive = [(label, v) for label, v in verdicts if v.status == status]
    labelled = len({v.message for _, v in verdicts}) > 1
    messages: dict[str, None] = {}
    for label, v in decisive:
        text = v.message
        if labelled and label:
            text = f"{label[:1].upper()}{label[1:]}: {text}"
        messages.setdefault(text, None)
    details: dict[str, None] = {}
    for label, v in verdicts:
        for d in v.details:
            if v.status == status and d in v.message:
                continue  # its message, which the result's message holds, already says it
            details.setdefault(f"{label}: {d}" if labelled and label else d, None)
        if v.status != status and v.status == Status.ERROR:
            details.setdefault(f"{label + ': ' if label else ''}{v.message}", None)
    return Verdict(status, " ".join(_sentence(m) for m in messages), tuple(details))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
