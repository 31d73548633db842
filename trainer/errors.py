"""The trainer's one error type: a user-facing problem (bad flag value, corrupt database...)."""

from __future__ import annotations


class TrainerError(Exception):
    """A problem the user can fix. Rendered by the CLI as one line, exit code `exit_code`."""

    def __init__(self, message: str, *, hint: str | None = None, exit_code: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        self.exit_code = exit_code

    def __str__(self) -> str:
        return f"{self.message} ({self.hint})" if self.hint else self.message
