"""Errors that an editor can act on: each names file, line and field, and says what to do."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the input. Sorts by file, then line, so reports are stable."""

    path: str
    """The file, as the editor would type it (relative to the working directory where possible)."""
    line: int
    """1-based line of the offending key or value; 0 when the file as a whole is at fault."""
    field: str
    """Dotted key path inside the record, e.g. ``claim.appearances[0].quote``; ``-`` for the file."""
    message: str
    hint: str = ""

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        text = f"{where}: {self.field}: {self.message}"
        return f"{text}; {self.hint}" if self.hint else text


class FactcheckError(Exception):
    """Expected failure caused by the input: carries every problem found in the run.

    The CLI prints it and exits 1; the MkDocs plugin turns it into a ``PluginError``. Anything
    that is not a ``FactcheckError`` is a bug in the generator and keeps its traceback.
    """

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(self.report())

    def report(self) -> str:
        count = len(self.problems)
        lines = [str(p) for p in self.problems]
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


def field_name(loc: tuple[str | int, ...]) -> str:
    """``("claim", "appearances", 0, "quote")`` → ``claim.appearances[0].quote``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out or "-"
