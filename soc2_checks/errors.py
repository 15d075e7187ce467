"""Errors that reach the user as one line and exit code 2 (bad usage or invalid input)."""

from __future__ import annotations

from pathlib import Path


class InputError(Exception):
    """Invalid input: the message names the file and the place in it (line and/or field)."""

    def __init__(self, file: str | Path | None, message: str, *, line: int | None = None, field: str | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        parts = [where]
        if self.field:
            parts.append(self.field)
        parts.append(" ".join(self.message.split()))  # always one line
        return ": ".join(parts)


class UsageError(Exception):
    """Bad command-line usage that argparse itself cannot detect."""
