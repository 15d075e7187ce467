"""Running collection tasks on a bounded thread pool.

A task is one unit of reading (a service in a region, or a batch of buckets); it returns the
facts it read and, when one listing fans out into per-resource reads, further tasks. Facts
are merged on the calling thread only, so collectors share no mutable state, and each
resource is read by exactly one task.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any, TextIO

from .calls import Api

Facts = dict[Hashable, Any]


@dataclass(frozen=True)
class Task:
    service: str  # the collector that owns the facts
    region: str | None
    run: Callable[[Api], Step]
    label: str = ""


@dataclass
class Step:
    facts: Facts = field(default_factory=dict)
    then: list[Task] = field(default_factory=list)


@dataclass(frozen=True)
class Crash:
    """A collector raised: its service's checks report ERROR rather than trusting half its facts."""

    service: str
    region: str | None
    error: str


def batches(items: list, size: int) -> Iterable[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


class Progress:
    """``done/total`` tasks and errors so far, on one rewritten stderr line, only when stderr is a
    terminal; pipes and CI logs stay clean."""

    def __init__(self, stream: TextIO | None = None, enabled: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.enabled = self.stream.isatty() if enabled is None else enabled
        self._width = 0

    def update(self, done: int, total: int, errors: int, label: str) -> None:
        if not self.enabled:
            return
        text = f"soc2-checks live: {done}/{total} done, {errors} error(s) so far; {label}"
        self.stream.write("\r" + text.ljust(self._width))
        self._width = len(text)
        self.stream.flush()

    def close(self) -> None:
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()


def run(api: Api, tasks: list[Task], workers: int = 8, progress: Progress | None = None) -> tuple[Facts, list[Crash]]:
    facts: Facts = {}
    crashes: list[Crash] = []
    total = len(tasks)
    done = 0
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="soc2-live") as pool:
        pending: dict[Future, Task] = {pool.submit(t.run, api): t for t in tasks}
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                task = pending.pop(future)
                done += 1
                try:
                    step = future.result()
                except Exception as exc:  # a defect must not read as "nothing found"
                    crashes.append(Crash(task.service, task.region, f"{type(exc).__name__}: {exc}"))
                    continue
                facts.update(step.facts)
                for t in step.then:
                    pending[pool.submit(t.run, api)] = t
                total += len(step.then)
                if progress:
                    label = task.label or f"{task.service} {task.region or 'global'}"
                    progress.update(done, total, api.log.failures, label)
    if progress:
        progress.close()
    return facts, crashes
