"""Reading the learner's keys: single keypresses on a terminal, whole lines otherwise.

Line mode (stdin not a TTY: pipes, CliRunner tests) reads one command per line: an empty line
is enter, a lone space is space. End of input means quit, so a script can never hang a session.
Ctrl-C raises KeyboardInterrupt in both modes (raw mode turns it into a byte we translate).
"""

from __future__ import annotations

import os
import sys
from typing import TextIO

ENTER, SPACE, QUIT = "enter", "space", "q"


class Keys:
    def __init__(self, stream: TextIO | None = None) -> None:
        self._stream = stream

    @property
    def stream(self) -> TextIO:
        return self._stream or sys.stdin  # looked up late: CliRunner swaps sys.stdin

    @property
    def is_tty(self) -> bool:
        try:
            return self.stream.isatty()
        except (AttributeError, ValueError):
            return False

    def key(self) -> str:
        """One command key: 'enter', 'space', or the character typed (lowercase)."""
        if self.is_tty:
            return self._raw_key()
        line = self.stream.readline()
        if line == "":
            return QUIT
        line = line.rstrip("\r\n")
        if line == "":
            return ENTER
        if line.strip() == "":
            return SPACE
        return line.strip()[0].lower()

    def line(self) -> str | None:
        """A typed answer (None at end of input)."""
        line = self.stream.readline()
        if line == "":
            return None
        return line.rstrip("\r\n")

    def _raw_key(self) -> str:
        import termios
        import tty

        fd = self.stream.fileno()
        saved = termios.tcgetattr(fd)
        try:
            tty.setraw(fd, termios.TCSANOW)  # not TCSAFLUSH: keys typed ahead must survive
            # os.read, not the text layer: it returns the keypress itself, escape sequences whole
            char = os.read(fd, 8).decode("utf-8", errors="ignore")
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)
        if char.startswith("\x1b"):
            return "esc"
        char = char[:1]
        if char == "\x03":
            raise KeyboardInterrupt
        if char in ("\x04", ""):
            return QUIT
        if char in ("\r", "\n"):
            return ENTER
        if char == " ":
            return SPACE
        return char.lower()
