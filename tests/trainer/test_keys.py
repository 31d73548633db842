"""Key reading: raw single keys on a terminal (a real pty here), lines when stdin is not a TTY."""

import io
import os
import pty
import tty

import pytest

from trainer.keys import ENTER, QUIT, SPACE, Keys


@pytest.fixture
def terminal():
    master, slave = pty.openpty()
    # raw from the start: bytes written before Keys switches modes must not wait for a newline
    tty.setraw(slave)
    stream = os.fdopen(slave, "r")
    yield master, Keys(stream)
    stream.close()
    os.close(master)


def test_single_keys_on_a_terminal_need_no_enter(terminal):
    master, keys = terminal
    assert keys.is_tty
    for sent, expected in ((b"3", "3"), (b"\r", ENTER), (b" ", SPACE), (b"U", "u"), (b"!", "!"),
                           (b"\x1b[A", "esc"), (b"\x04", QUIT)):
        os.write(master, sent)
        assert keys.key() == expected, sent


def test_ctrl_c_in_raw_mode_is_a_keyboard_interrupt(terminal):
    master, keys = terminal
    os.write(master, b"\x03")
    with pytest.raises(KeyboardInterrupt):
        keys.key()


def test_line_mode_reads_one_command_per_line_and_quits_at_end_of_input():
    keys = Keys(io.StringIO("\n \n3\nquit\n!\nmy answer\n"))
    assert not keys.is_tty
    assert [keys.key(), keys.key(), keys.key(), keys.key(), keys.key()] == [ENTER, SPACE, "3", "q", "!"]
    assert keys.line() == "my answer"
    assert keys.line() is None and keys.key() == QUIT
