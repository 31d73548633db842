"""The engine's one error type for input it cannot work with at all.

Problems *inside* good input (a bad weight, a missing subset) are values: diagnostics and
findings. An EngineError means the input as a whole could not be read (file missing, too
large, not YAML at all) and carries where, what and what to do.
"""

from __future__ import annotations


class EngineError(Exception):
    """Input the engine cannot read. One line for the user: `file:line: message`."""

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None,
                 code: str = "MD0001", hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line
        self.code = code
        self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = f"{self.file}:{self.line}: " if self.line else f"{self.file}: "
        tail = f" ({self.hint})" if self.hint else ""
        return f"{where}{self.message}{tail}"
