"""Alerting on CloudTrail being stopped, deleted or changed (SOC2_AWS_19).

Whether an EventBridge rule or a CloudWatch Logs metric filter would fire is decided by
matching its pattern against the event CloudTrail itself produces for each of the three API
calls, with the services' own matching rules. A pattern that filters on anything that event
does not carry (a user, a region, an account) covers only some calls and so does not count;
a construct this module does not interpret counts as "no match", never as a match.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from ..model import Verdict, require
from ..registry import RuleContext, check
from ..views.alerting import EventRule, MetricFilterAlarm, TrailChangeAlerting
from .alternatives import Undecided

TRAIL_EVENTS = ("StopLogging", "DeleteTrail", "UpdateTrail")
ABSENT_ON_SUCCESS = frozenset({"errorCode", "errorMessage"})
"""Fields a successful call's record is known not to carry. Any other field absent from the
records below may be present in the real one, so ``exists: false`` on it is not a match."""


def api_call_record(event_name: str) -> dict[str, Any]:
    """The fields every CloudTrail record of this call carries, whoever makes it, wherever."""
    return {"eventSource": "cloudtrail.amazonaws.com", "eventName": event_name, "eventType": "AwsApiCall"}


def api_call_event(event_name: str) -> dict[str, Any]:
    """The EventBridge event for that call, as seen by a rule on the default bus."""
    return {
        "source": "aws.cloudtrail",
        "detail-type": "AWS API Call via CloudTrail",
        "detail": api_call_record(event_name),
    }


# --- EventBridge event patterns ---------------------------------------------------------


def _wildcard(text: str) -> re.Pattern[str]:
    return re.compile("^" + ".*".join(re.escape(part) for part in text.split("*")) + "$", re.DOTALL)


def _text_matcher(arg: Any) -> Callable[[str, Callable[[str, str], bool]], bool] | None:
    """prefix/suffix take a string or ``{"equals-ignore-case": string}``."""
    arg = require(arg)
    if isinstance(arg, str):
        return lambda value, test: test(value, arg)
    if isinstance(arg, dict) and set(arg) == {"equals-ignore-case"}:
        inner = require(arg["equals-ignore-case"])
        if isinstance(inner, str):
            return lambda value, test: test(value.lower(), inner.lower())
    return None


def _condition(cond: Any, key: str, present: bool, value: Any) -> bool:
    """One element of a pattern's value list against one event field."""
    cond = require(cond)
    if not isinstance(cond, dict):
        return present and not isinstance(value, dict) and cond == value
    if len(cond) != 1:
        return False
    ((op, arg),) = cond.items()
    arg = require(arg)
    if op == "exists":
        if arg is True:
            return present
        return arg is False and not present and key in ABSENT_ON_SUCCESS
    if not present or not isinstance(value, str):
        return False  # numeric and cidr matching never apply to the string fields judged here
    if op == "equals-ignore-case":
        return isinstance(arg, str) and value.lower() == arg.lower()
    if op == "wildcard":
        return isinstance(arg, str) and bool(_wildcard(arg).match(value))
    if op in ("prefix", "suffix"):
        match = _text_matcher(arg)
        return match is not None and match(value, str.startswith if op == "prefix" else str.endswith)
    if op == "anything-but":
        return _anything_but(arg, value)
    return False


def _anything_but(arg: Any, value: str) -> bool:
    if isinstance(arg, str | int | float):
        return value != arg
    if isinstance(arg, list):
        return value not in [require(a) for a in arg]
    if isinstance(arg, dict) and len(arg) == 1:
        ((op, inner),) = arg.items()
        inner = require(inner)
        if op in ("prefix", "suffix") and isinstance(inner, str):
            return not (value.startswith(inner) if op == "prefix" else value.endswith(inner))
        if op == "equals-ignore-case":
            options = [inner] if isinstance(inner, str) else [require(i) for i in inner or []]
            return all(isinstance(o, str) and value.lower() != o.lower() for o in options)
        if op == "wildcard":
            options = [inner] if isinstance(inner, str) else [require(i) for i in inner or []]
            return all(isinstance(o, str) and not _wildcard(o).match(value) for o in options)
    return False


def event_pattern_matches(pattern: Any, event: dict[str, Any]) -> bool:
    """EventBridge semantics: every key of the pattern must match; a list is a set of
    alternatives; a nested object matches a nested field; ``$or`` takes sub-patterns."""
    pattern = require(pattern)
    if not isinstance(pattern, dict):
        return False
    for key, expected in pattern.items():
        expected = require(expected)
        if key == "$or":
            if not isinstance(expected, list) or not any(event_pattern_matches(p, event) for p in expected):
                return False
            continue
        present = key in event
        value = event.get(key)
        if isinstance(expected, dict):
            if present and not isinstance(value, dict):
                return False
            if not event_pattern_matches(expected, value if present else {}):
                return False
        elif isinstance(expected, list):
            if not any(_condition(c, key, present, value) for c in expected):
                return False
        else:
            return False  # EventBridge accepts only lists and objects as pattern values
    return True


# --- CloudWatch Logs filter patterns -----------------------------------------------------

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<paren>[()])
      | (?P<bool>&&|\|\|)
      | (?P<op>!=|<=|>=|=|<|>)
      | (?P<keyword>IS\s+NULL|IS\s+TRUE|IS\s+FALSE|NOT\s+EXISTS)
      | (?P<selector>\$(?:\.[A-Za-z0-9_@:\-]+|\[\d+\]|\.\*)*)
      | (?P<quoted>"(?:[^"\\]|\\.)*")
      | (?P<regex>%[^%]*%)
      | (?P<bare>[^\s()&|"=!<>%]+)
    )""",
    re.VERBOSE,
)


class _Uninterpretable(Exception):
    """A filter pattern construct whose meaning is not modelled here; the filter covers nothing."""


def _tokens(text: str) -> list[tuple[str, str]]:
    out, pos = [], 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise _Uninterpretable(text[pos:])
        kind = m.lastgroup or ""
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


Predicate = Callable[[dict[str, Any]], bool]


class _JsonFilter:
    """``{ ($.eventName = StopLogging) || ($.eventName = DeleteTrail) }``: && binds tighter
    than ||. A comparison on a field the record lacks is false, whatever the operator: the
    real record may carry that field with any value, so only what is known can match."""

    def __init__(self, tokens: list[tuple[str, str]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def parse(self) -> Predicate:
        pred = self._or()
        if self.pos != len(self.tokens):
            raise _Uninterpretable(self.tokens[self.pos][1])
        return pred

    def _peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def _take(self, kind: str) -> str:
        tok = self._peek()
        if tok is None or tok[0] != kind:
            raise _Uninterpretable(tok[1] if tok else "end of pattern")
        self.pos += 1
        return tok[1]

    def _or(self) -> Predicate:
        parts = [self._and()]
        while self._peek() == ("bool", "||"):
            self.pos += 1
            parts.append(self._and())
        return parts[0] if len(parts) == 1 else (lambda r: any(p(r) for p in parts))

    def _and(self) -> Predicate:
        parts = [self._atom()]
        while self._peek() == ("bool", "&&"):
            self.pos += 1
            parts.append(self._atom())
        return parts[0] if len(parts) == 1 else (lambda r: all(p(r) for p in parts))

    def _atom(self) -> Predicate:
        if self._peek() == ("paren", "("):
            self.pos += 1
            inner = self._or()
            self._take("paren")
            return inner
        path = self._take("selector")[1:].split(".")[1:]
        if self._peek() is not None and self._peek()[0] == "keyword":
            self.pos += 1
            return lambda r: False  # IS NULL / NOT EXISTS: the real record's other fields are not known here
        op = self._take("op")
        tok = self._peek()
        if tok is None or tok[0] not in ("quoted", "bare", "regex"):
            raise _Uninterpretable(tok[1] if tok else "end of pattern")
        self.pos += 1
        if tok[0] == "regex" or op not in ("=", "!="):
            return lambda r: False  # regular expressions and numeric comparisons are not modelled
        expected = tok[1][1:-1].replace('\\"', '"') if tok[0] == "quoted" else tok[1]
        match = _wildcard(expected).match if "*" in expected else (lambda v: v == expected)

        def compare(record: dict[str, Any]) -> bool:
            value: Any = record
            for part in path:
                if not isinstance(value, dict) or part not in value:
                    return False
                value = value[part]
            if not isinstance(value, str):
                return False
            return bool(match(value)) is (op == "=")

        return compare


def _term_filter(tokens: list[tuple[str, str]]) -> Predicate:
    """Unstructured terms: all plain terms must appear, or any one of ``?term`` terms. An
    exclusion (``-term``) cannot be judged from the fields known here."""
    terms = [value[1:-1] if kind == "quoted" else value for kind, value in tokens]
    if not terms or any(kind not in ("quoted", "bare") for kind, _ in tokens):
        raise _Uninterpretable(" ".join(terms))
    optional = [t for t in terms if t.startswith("?")]
    if any(t.startswith("-") for t in terms) or (optional and len(optional) != len(terms)):
        raise _Uninterpretable(" ".join(terms))

    words = [re.compile(rf"(?<![A-Za-z0-9_]){re.escape(t.lstrip('?'))}(?![A-Za-z0-9_])") for t in terms]

    def contains(record: dict[str, Any]) -> bool:
        text = " ".join(str(v) for v in record.values())
        found = [bool(w.search(text)) for w in words]
        return any(found) if optional else all(found)

    return contains


def filter_pattern_matches(pattern: str, record: dict[str, Any]) -> bool:
    """Whether a CloudWatch Logs metric filter pattern matches a CloudTrail record. An empty
    pattern matches every log event: that measures log volume, not trail changes, and does
    not count."""
    text = pattern.strip()
    try:
        if text.startswith("{"):
            if not text.endswith("}"):
                return False
            return _JsonFilter(_tokens(text[1:-1])).parse()(record)
        return bool(text) and _term_filter(_tokens(text))(record)
    except _Uninterpretable:
        return False


# --- the check ---------------------------------------------------------------------------


def _rule_covers(r: EventRule) -> set[str]:
    if not require(r.enabled) or not require(r.has_target):
        return set()
    pattern = require(r.event_pattern)
    if pattern is None:
        return set()  # a scheduled rule
    if isinstance(pattern, str):
        pattern = json.loads(pattern)
    return {e for e in TRAIL_EVENTS if event_pattern_matches(pattern, api_call_event(e))}


def _filter_covers(f: MetricFilterAlarm) -> set[str]:
    if not require(f.has_alarm):
        return set()
    pattern = require(f.filter_pattern)
    return {e for e in TRAIL_EVENTS if filter_pattern_matches(pattern, api_call_record(e))}


def _coverage(a: TrailChangeAlerting, undecided: Undecided) -> dict[str, list[str]]:
    covered: dict[str, list[str]] = {e: [] for e in TRAIL_EVENTS}
    sources: list[tuple[Callable[[Any], set[str]], str, Any]] = [
        (_rule_covers, "EventBridge rule", a.event_rules),
        (_filter_covers, "metric filter", a.metric_filters),
    ]
    for judge, kind, items in sources:
        for item in undecided.attempt(require, items) or ():
            for event in undecided.attempt(judge, item) or ():
                covered[event].append(f"{kind} {item.name}")
    return covered


@check(
    "SOC2_AWS_19",
    title="Stopping, deleting or changing CloudTrail raises an alert",
    severity="MEDIUM",
    sources=("terraform", "cloudformation", "live"),
    views=TrailChangeAlerting,
    baseline=True,
    remediation="Add an EventBridge rule with a target (an SNS topic the security team reads) for source "
    'aws.cloudtrail, detail-type "AWS API Call via CloudTrail", detail.eventName StopLogging, DeleteTrail and '
    "UpdateTrail; or a CloudWatch Logs metric filter on the trail's log group with an alarm "
    "(CIS: { ($.eventName = StopLogging) || ($.eventName = DeleteTrail) || ($.eventName = UpdateTrail) }).",
)
def trail_changes_alert(a: TrailChangeAlerting, ctx: RuleContext) -> Verdict:
    """Turning the audit log off is the first thing an intruder does; a trail that can be
    stopped unnoticed is evidence that cannot be trusted for the rest of the period. Each of
    the three calls must reach an enabled EventBridge rule that has a target, or a metric
    filter that has an alarm."""
    undecided = Undecided()
    covered = _coverage(a, undecided)
    missing = [e for e, by in covered.items() if not by]
    if not missing:
        how = "; ".join(f"{e} by {', '.join(by)}" for e, by in covered.items())
        return Verdict.passed(f"Every CloudTrail stop, delete and update call raises an alert ({how}).")
    undecided.reraise()
    return Verdict.failed(
        f"Nothing alerts on CloudTrail {', '.join(missing)}: no enabled EventBridge rule with a target "
        "and no metric filter with an alarm matches " + ("it" if len(missing) == 1 else "them") + "."
    )
