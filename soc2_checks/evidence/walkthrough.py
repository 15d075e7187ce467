"""walkthrough-prep.md: the auditor's walkthrough questions (audit-readiness guide), each
answered from what was collected, with the evidence to show, so the people who operate the
controls rehearse with facts; the questions the data cannot answer are listed, with what would.

Answers describe; verdicts stay with the checks, whose results are quoted where they speak.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..model import Missing, Result, Status
from ..rules.alerting import api_call_event, api_call_record, event_pattern_matches, filter_pattern_matches
from ..views.records import tickets_naming
from . import layout
from .artifacts import iso
from .aws import Collection, Findings, IdentityCenter
from .from_records import RecordsInput, raw_entries


@dataclass
class Answer:
    question: str
    text: list[str]
    evidence: list[str] = field(default_factory=list)


@dataclass
class Unanswered:
    question: str
    topic: str
    why: str


@dataclass
class Prep:
    c: Collection
    ic: IdentityCenter
    findings: Findings
    r: RecordsInput
    results: list[Result]
    present: set[str]
    answers: dict[str, list[Answer]] = field(default_factory=dict)
    unanswered: list[Unanswered] = field(default_factory=list)

    def cite(self, *prefixes: str) -> list[str]:
        """The package files that start with these paths (artifacts that exist only)."""
        return [p for prefix in prefixes for p in sorted(self.present) if p.startswith(prefix)]

    def of(self, check_id: str, status: Status | None = None) -> list[Result]:
        return [r for r in self.results if r.check_id == check_id and (status is None or r.status == status)]

    def answer(self, topic: str, question: str, text: list[str], evidence: Iterable[str]) -> None:
        self.answers.setdefault(topic, []).append(Answer(question, text, list(dict.fromkeys(evidence))))

    def cannot(self, topic: str, question: str, why: str) -> None:
        self.unanswered.append(Unanswered(question, topic, why))

    def unread(self, topic: str, questions: Iterable[str], value: object, what: str) -> bool:
        """True, with every question listed as unanswerable, when a kind of record was not read."""
        if self.r.records is not None and value is not None and not isinstance(value, Missing):
            return False
        for q in questions:
            self.cannot(topic, q, self.r.unread(value) or f"no {what}")
        return True


def _verdicts(results: list[Result]) -> str:
    if not results:
        return ""
    counts: dict[str, int] = {}
    for r in results:
        counts[str(r.status)] = counts.get(str(r.status), 0) + 1
    return ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))


def _messages(results: list[Result]) -> str:
    return "; ".join(r.message.rstrip(".") for r in results) + "."


# -- access control -----------------------------------------------------------------------------


def access(p: Prep) -> None:
    topic = "Access control"
    q = "Walk me through how a new engineer gets access to the production AWS account."
    ic, text = p.ic, []
    users = p.c.iam_users()
    if ic.instances and ic.permission_sets:
        regions = sorted({i["Region"] for i in ic.instances})
        text.append(
            f"Access is granted through IAM Identity Center (instance in {', '.join(regions)}): "
            f"{len(ic.permission_sets)} permission set(s), {len(ic.assignments)} account assignment(s)."
        )
        for a in sorted(ic.assignments, key=lambda a: (a["AccountId"], a["PermissionSetArn"])):
            ps = ic.permission_sets.get(a["PermissionSetArn"], {})
            reached = ic.users_of(a["PrincipalType"], a["PrincipalId"])
            who = ic.principal_name(a["PrincipalType"], a["PrincipalId"])
            kind = "group" if a["PrincipalType"] == "GROUP" else "user"
            members = f" ({len(reached)} member(s): {', '.join(reached)})" if kind == "group" else ""
            policies = (
                ", ".join(m.get("Name", "") for m in ps.get("AttachedManagedPolicies") or []) or "no managed policy"
            )
            text.append(
                f"- account {a['AccountId']}: permission set **{ps.get('Name', a['PermissionSetArn'])}** "
                f"({policies}; session {ps.get('SessionDuration', 'default')}) to {kind} {who}{members}"
            )
        groups = sum(1 for a in ic.assignments if a["PrincipalType"] == "GROUP")
        text.append(
            f"{groups} of {len(ic.assignments)} assignment(s) go to groups: a new engineer gets access by joining "
            "a group, and loses it by leaving it."
        )
    elif ic.instances:
        text.append("An IAM Identity Center instance exists but holds no permission set: it grants no access.")
    if users is not None:
        console = [u for u in users if u.get("password_enabled") == "true"]
        keys = [u for u in users if "true" in (u.get("access_key_1_active"), u.get("access_key_2_active"))]
        text.append(
            f"IAM users: {len(users)} in all, {len(console)} with a console password, {len(keys)} with an active "
            "access key" + (" (access outside Identity Center, to be explained)." if console and ic.instances else ".")
        )
    if not text:
        why = (
            "; ".join(m.describe() for m in ic.gaps[:2]) or "neither Identity Center nor the credential report was read"
        )
        p.cannot(topic, q, why)
    else:
        p.answer(topic, q, text, p.cite(f"{layout.ACCESS}/identity-center", f"{layout.ACCESS}/iam-credential-report"))

    p.cannot(
        topic,
        "What happens to that access when they move to a different team?",
        "a process question: the data shows today's assignments, not how a team change updates them; the group "
        "memberships in identity-center-assignments.csv are what the answer should point at",
    )
    p.cannot(
        topic,
        "How do you know they don't still have access to the old team's resources?",
        "needs the access review's comparison of assignments with team membership; the reviews below are the "
        "documented check, the HR records carry no team changes",
    )
    _reviews(p, topic)
    _leavers(p, topic)


def _reviews(p: Prep, topic: str) -> None:
    q = "Show me where the quarterly access review is documented."
    rec = p.r.records
    reviews = rec.access_reviews if rec else None
    if p.unread(topic, [q], reviews, "access-review records"):
        return
    assert reviews is not None and not isinstance(reviews, Missing)
    inside = sorted((x for x in reviews.reviews if x.date in p.r.period), key=lambda x: x.date)
    text = [f"{len(inside)} documented review(s) in the period {p.r.period.start} to {p.r.period.end}."]
    if inside:
        last = inside[-1]
        text.append(
            f"The last, {last.id} on {last.date}, by {last.reviewer or 'an unnamed reviewer'}; what it changed: "
            f"{last.changes or 'not recorded (the auditor will not accept it until it says, even if nothing changed)'}."
        )
    gaps = p.of("SOC2_OPS_4", Status.FAILED)
    if gaps:
        text.append(f"SOC2_OPS_4 FAILED for {len(gaps)} quarter(s): " + _messages(gaps))
    p.answer(topic, q, text, p.cite(f"{layout.POPULATIONS}/access-reviews", f"{layout.ACCESS}/access-reviews"))


def _leavers(p: Prep, topic: str) -> None:
    q = "How do you verify an engineer's access is removed when they leave?"
    rec = p.r.records
    leavers = rec.leavers if rec else None
    if p.unread(topic, [q], leavers, "HR termination list"):
        return
    assert isinstance(leavers, list)
    gone = [x for x in leavers if x.last_day in p.r.period]
    text = [f"{len(gone)} person(s) left in the period (HR termination list)."]
    results = p.of("SOC2_OPS_1")
    if results:
        text.append(f"SOC2_OPS_1 compared them with IAM users and Identity Center assignments: {_verdicts(results)}.")
        text += [f"- {r.resource.name}: {r.status}: {r.message}" for r in results if r.status != Status.PASSED]
    else:
        text.append("SOC2_OPS_1 did not run in this collection (it needs the HR list and the live account).")
    p.answer(
        topic,
        q,
        text,
        p.cite(f"{layout.POPULATIONS}/joiners-and-leavers", f"{layout.ACCESS}/iam-credential-report")
        + p.cite(f"{layout.ACCESS}/identity-center-assignments", f"{layout.RESULTS}/"),
    )


# -- monitoring ---------------------------------------------------------------------------------


def _rules(p: Prep) -> list[tuple[str, dict, list]]:
    """(region, rule, targets) of every enabled EventBridge rule read."""
    out = []
    for region in p.c.regions:
        call = p.c.recorder.find("events", "ListRules", region)
        if call is None or not call.ok:
            continue
        for rule in call.response.get("Rules", []):
            if rule.get("State") != "ENABLED" or not rule.get("EventPattern"):
                continue
            targets = p.c.recorder.find("events", "ListTargetsByRule", region, Rule=rule["Name"])
            found = targets.response.get("Targets", []) if targets is not None and targets.ok else []
            out.append((region, rule, found))
    return out


def monitoring(p: Prep) -> None:
    topic = "Monitoring"
    q = "Walk me through what happens when GuardDuty fires a HIGH severity finding at 2am."
    detectors = p.of("SOC2_AWS_10")
    text = []
    if detectors:
        text.append(f"GuardDuty detectors (SOC2_AWS_10): {_verdicts(detectors)} across {len(detectors)} region(s).")
        text += [f"- {r.resource.region}: {r.message}" for r in detectors if r.status != Status.PASSED]
    forwarding = []
    for region, rule, targets in _rules(p):
        pattern = _pattern(rule)
        if pattern is not None and "aws.guardduty" in json.dumps(pattern.get("source", [])):
            arns = ", ".join(t.get("Arn", "") for t in targets) or "no target"
            forwarding.append(f"- EventBridge rule {rule['Name']} ({region}) sends GuardDuty findings to {arns}")
    if forwarding:
        text.append("Findings leave the console through:")
        text += forwarding
    elif detectors:
        text.append(
            "No enabled EventBridge rule matches GuardDuty findings in the regions read: a finding at 2am waits in "
            "the console until someone looks, unless another tool pulls findings."
        )
    if text:
        p.answer(topic, q, text, p.cite(f"{layout.MONITORING}/guardduty-detector", f"{layout.MONITORING}/event-rules"))
    else:
        p.cannot(topic, q, "the GuardDuty detectors could not be read")
    p.cannot(
        topic,
        "Who gets paged? How do you know they acknowledged it?",
        "the paging tool's schedules and acknowledgements are not read; the targets of the rules above name where "
        "findings go",
    )
    _last_finding(p, topic)
    _trail_alerting(p, topic)


def _pattern(rule: dict) -> dict | None:
    try:
        found = json.loads(rule.get("EventPattern") or "null")
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def _last_finding(p: Prep, topic: str) -> None:
    q = "Show me the last HIGH finding and the ticket that was opened for it."
    read = [f for v in p.findings.values() if not isinstance(v, Missing) for f in v]
    unread = [v for v in p.findings.values() if isinstance(v, Missing)]
    if unread and not read:
        p.cannot(topic, q, "; ".join(dict.fromkeys(m.describe() for m in unread)))
        return
    evidence = p.cite(f"{layout.POPULATIONS}/guardduty-high-findings", f"{layout.MONITORING}/guardduty-high-findings")
    if not read:
        text = [f"No GuardDuty finding of severity 7 or more in the period in {', '.join(p.c.regions)}."]
        p.answer(topic, q, text, evidence)
        return
    last = max(read, key=lambda f: (f.updated_at, f.id))
    text = [
        f"{len(read)} finding(s) of severity 7 or more in the period. The last: {last.title} ({last.type}), "
        f"severity {last.severity:g}, {last.region}, updated {iso(last.updated_at)}, finding ID {last.id}."
    ]
    rec = p.r.records
    tickets = rec.tickets if rec else None
    if isinstance(tickets, tuple):
        naming = tickets_naming(last.id, tickets)
        if naming:
            for t in naming:
                text.append(
                    f"- ticket {t.key} ({t.status or 'status unknown'}): investigated by "
                    f"{t.investigator or 'nobody named'}; found: {t.findings_text or 'not recorded'}; "
                    f"action: {t.action_text or 'not recorded'}"
                )
        else:
            text.append("No ticket in the export names this finding: SOC2_OPS_2 reports it.")
    else:
        text.append(f"Tickets were not joined ({p.r.unread(tickets)}).")
    unresolved = [r for r in p.of("SOC2_OPS_2") if r.status != Status.PASSED]
    if unresolved:
        text.append(f"SOC2_OPS_2: {_verdicts(p.of('SOC2_OPS_2'))}.")
    p.answer(topic, q, text, evidence + p.cite(f"{layout.RESULTS}/"))


def _trail_alerting(p: Prep, topic: str) -> None:
    q = "If CloudTrail stopped logging right now, how long before someone noticed?"
    verdict = p.of("SOC2_AWS_19")
    text = [f"SOC2_AWS_19 {r.status}: {r.message}" for r in verdict]
    for region, rule, targets in _rules(p):
        pattern = _pattern(rule)
        if targets and pattern is not None and event_pattern_matches(pattern, api_call_event("StopLogging")):
            arns = ", ".join(t.get("Arn", "") for t in targets)
            text.append(
                f"- EventBridge rule {rule['Name']} ({region}) matches StopLogging and sends it to {arns}: within "
                "minutes of the call (EventBridge receives CloudTrail management events as CloudTrail records them)."
            )
    for region, name, seconds in _alarmed_filters(p):
        text.append(
            f"- metric filter {name} ({region}) feeds an alarm that fires within {seconds // 60:g} minute(s) of the "
            "event reaching CloudWatch Logs (CloudTrail delivers to CloudWatch Logs within about 5 minutes)."
        )
    if not verdict and len(text) == 0:
        p.cannot(topic, q, "the EventBridge rules and CloudWatch Logs metric filters could not be read")
        return
    if len(text) == len(verdict):
        text.append("Nothing alerts on StopLogging: a stopped trail would be noticed only when someone looks.")
    p.answer(topic, q, text, p.cite(f"{layout.MONITORING}/event-rules", f"{layout.MONITORING}/cloudwatch-alarms"))


def _alarmed_filters(p: Prep) -> list[tuple[str, str, int]]:
    """(region, filter, seconds to alarm) for metric filters matching StopLogging whose metric
    has an alarm: the alarm's period times its evaluation periods."""
    out = []
    record = api_call_record("StopLogging")
    for region in p.c.regions:
        filters = p.c.recorder.find("logs", "DescribeMetricFilters", region)
        alarms = p.c.recorder.find("cloudwatch", "DescribeAlarms", region)
        if filters is None or alarms is None or not filters.ok or not alarms.ok:
            continue
        for f in filters.response.get("metricFilters", []):
            if not filter_pattern_matches(f.get("filterPattern", ""), record):
                continue
            metrics = {(t.get("metricNamespace"), t.get("metricName")) for t in f.get("metricTransformations", [])}
            waits = [
                int(a.get("Period", 60)) * int(a.get("EvaluationPeriods", 1))
                for a in alarms.response.get("MetricAlarms", [])
                if (a.get("Namespace"), a.get("MetricName")) in metrics
            ]
            if waits:
                out.append((region, f["filterName"], min(waits)))
    return out


# -- incident response --------------------------------------------------------------------------


def incidents(p: Prep) -> None:
    topic = "Incident response"
    rec = p.r.records
    records = rec.incidents if rec else None
    questions = (
        "Walk me through the last security incident from detection to post-incident review.",
        "Where is the post-incident review document?",
        "What action items came out of it? Are they closed?",
        "When did you last run a tabletop exercise? Show me the documentation.",
    )
    if p.unread(topic, questions, records, "incident-response records"):
        return
    assert isinstance(records, tuple)
    raw = raw_entries(p.r, "incidents", "records")
    evidence = p.cite(f"{layout.INCIDENTS}/", f"{layout.POPULATIONS}/incident-log")
    end = p.r.period.end
    past = [x for x in records if x.date <= end]
    last = max((x for x in past if x.kind == "incident"), key=lambda x: x.date, default=None)
    if last is None:
        for q in questions[:3]:
            p.cannot(topic, q, f"no real incident is recorded up to {end}")
    else:
        extra = raw.get(last.id, {})
        review = extra.get("review") or {}
        days = (last.review_date - last.date).days if last.review_date else None
        p.answer(
            topic,
            questions[0],
            [
                f"{last.id} on {last.date}: {extra.get('title', '')}. "
                + (f"{extra.get('summary', '')} " if extra.get("summary") else "")
                + (
                    f"Post-incident review on {last.review_date}, {days} day(s) later."
                    if last.review_date
                    else "No post-incident review is recorded."
                )
            ],
            evidence,
        )
        if review.get("document"):
            p.answer(
                topic, questions[1], [f"{review['document']} (author: {review.get('author', 'not named')})."], evidence
            )
        else:
            p.cannot(topic, questions[1], f"the record of {last.id} names no review document")
        p.answer(topic, questions[2], _items(last.action_items, end) or ["No action item was recorded."], evidence)
    tabletop = max((x for x in past if x.kind == "tabletop"), key=lambda x: x.date, default=None)
    if tabletop is None:
        p.cannot(topic, questions[3], f"no tabletop exercise is recorded up to {end}")
    else:
        extra = raw.get(tabletop.id, {})
        doc = (extra.get("review") or {}).get("document")
        text = [
            f"{tabletop.id} on {tabletop.date}: {extra.get('title', '')}"
            + (f"; write-up {doc}" if doc else "; no write-up document recorded")
            + "."
        ]
        text += _items(tabletop.action_items, end)
        ops3 = p.of("SOC2_OPS_3")
        if ops3:
            text.append("SOC2_OPS_3: " + "; ".join(f"{r.status}: {r.message}" for r in ops3))
        p.answer(topic, questions[3], text, evidence)


def _items(items: Iterable, end: dt.date) -> list[str]:
    out = []
    for i in items:
        if i.closed:
            state = f"closed {i.closed}" + (f" (due {i.due}, late)" if i.due and i.closed > i.due else "")
        elif i.due and i.due < end:
            state = f"**open, overdue since {i.due}**"
        else:
            state = f"open (due {i.due})" if i.due else "open, no due date"
        out.append(f"- {i.title} ({i.owner or 'no owner'}): {state}")
    return out


# -- change and vendor management ------------------------------------------------------------


def change(p: Prep) -> None:
    why = "code review and deployment history are not read by soc2-checks (the repository host's records answer it)"
    for q in (
        "How do code changes get to production?",
        "Is there a change that went to production without a code review in the past 6 months?",
        "How do infrastructure changes get approved?",
    ):
        p.cannot("Change management", q, why)


def vendors(p: Prep) -> None:
    topic = "Vendor management"
    rec = p.r.records
    found = rec.vendors if rec else None
    qs = (
        "Which third-party services have access to customer data?",
        "Do you have their SOC 2 reports? When did you last review them?",
    )
    if p.unread(topic, qs, found, "vendor inventory"):
        return
    assert isinstance(found, list)
    with_data = [v.vendor for v in found if v.vendor.customer_data_access]
    evidence = p.cite(f"{layout.POPULATIONS}/vendors", f"{layout.VENDORS}/")
    p.answer(
        topic, qs[0], [f"{len(with_data)} of {len(found)} vendors: " + ", ".join(v.name for v in with_data)], evidence
    )
    text = [
        f"- {v.name}: SOC 2 {v.soc2_status or 'not recorded'}; last reviewed {v.last_review or 'never'}"
        for v in with_data
    ]
    failed = p.of("SOC2_OPS_5", Status.FAILED)
    if failed:
        text.append(f"SOC2_OPS_5 FAILED for {len(failed)} vendor(s): " + _messages(failed))
    p.answer(topic, qs[1], text, evidence)


def render(p: Prep) -> str:
    access(p)
    monitoring(p)
    incidents(p)
    change(p)
    vendors(p)
    lines = [
        "# Walkthrough preparation",
        "",
        "The auditor's walkthrough questions (audit-readiness guide), answered from this package's data with the "
        "evidence to show. Rehearse with these facts; the people who operate each control should give the answer. "
        "The questions the data cannot answer are listed at the end, with what would answer them.",
        "",
    ]
    for topic, answers in p.answers.items():
        lines += [f"## {topic}", ""]
        for a in answers:
            lines += [f"### \u201c{a.question}\u201d", ""]
            lines += a.text
            if a.evidence:
                lines += ["", "Evidence: " + ", ".join(f"[`{e}`]({e})" for e in a.evidence)]
            lines.append("")
    lines += ["## Questions the collected data cannot answer", ""]
    lines += [f"- **{u.topic}**: \u201c{u.question}\u201d: {u.why}." for u in p.unanswered]
    return "\n".join(lines) + "\n"
