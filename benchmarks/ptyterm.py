"""Run a program under a pseudo-terminal and time what it writes, as a real terminal sees it."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import select
import signal
import struct
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

# The first write that places the cursor on the screen: the start of a frame.
# (Textual's set-up sequences, alt screen, mouse modes and mode queries, never
# position the cursor.)
FRAME = re.compile(rb"\x1b\[\d+;\d+H")
DOWN = b"\x1b[B"
CTRL_Q = b"\x11"


@dataclass
class KeyResult:
    first: float  # seconds from the key to the first byte written after it
    settled: float  # seconds from the key to the last byte before the output went quiet
    nbytes: int


@dataclass
class PtyRun:
    """A program running on an 80x24 pseudo-terminal; every byte it writes is timed."""

    argv: Sequence[str]
    env: dict[str, str]
    cols: int = 80
    rows: int = 24
    chunks: list[tuple[float, bytes]] = field(default_factory=list)
    buffer: bytearray = field(default_factory=bytearray)
    eof: bool = False
    pid: int = 0
    fd: int = -1
    t0: float = 0.0

    def start(self) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", self.rows, self.cols, 0, 0))
        env = dict(self.env, TERM="xterm-256color", COLUMNS=str(self.cols), LINES=str(self.rows))
        self.t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:  # the child: the pty becomes its controlling terminal and stdio
            try:
                os.close(master)
                os.login_tty(slave)
                os.execve(self.argv[0], list(self.argv), env)
            finally:
                os._exit(127)
        os.close(slave)
        self.pid, self.fd = pid, master

    def now(self) -> float:
        return time.perf_counter() - self.t0

    def _read_once(self, timeout: float) -> bool:
        """Read what is there within ``timeout``; False on timeout or end of output."""
        if self.eof:
            return False
        ready, _, _ = select.select([self.fd], [], [], max(timeout, 0.0))
        if not ready:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            data = b""
        if not data:
            self.eof = True
            return False
        self.chunks.append((self.now(), data))
        self.buffer += data
        return True

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float, since: int = 0) -> float | None:
        """Seconds from start until ``pattern`` first appears in the output after byte ``since``."""
        deadline = time.perf_counter() + timeout
        while True:
            found = pattern.search(self.buffer, since)
            if found:
                return self._time_of_offset(found.end())
            if self.eof or time.perf_counter() >= deadline:
                return None
            self._read_once(deadline - time.perf_counter())

    def _time_of_offset(self, offset: int) -> float:
        seen = 0
        for t, data in self.chunks:
            seen += len(data)
            if seen >= offset:
                return t
        return self.chunks[-1][0]

    def wait_quiet(self, quiet: float, timeout: float) -> float:
        """Read until nothing is written for ``quiet`` seconds; returns the last write's time."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and self._read_once(quiet):
            pass
        return self.chunks[-1][0] if self.chunks else 0.0

    def press(self, key: bytes, quiet: float = 0.3, timeout: float = 5.0) -> KeyResult | None:
        """Send ``key``; time the repaint it causes and count the bytes written for it."""
        self.wait_quiet(quiet, timeout)
        before = len(self.chunks)
        sent = self.now()
        os.write(self.fd, key)
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline and not self.eof and len(self.chunks) == before:
            self._read_once(deadline - time.perf_counter())
        if len(self.chunks) == before:
            return None
        last = self.wait_quiet(quiet, timeout)
        after = self.chunks[before:]
        return KeyResult(after[0][0] - sent, last - sent, sum(len(d) for _, d in after))

    def finish(self, timeout: float = 5.0) -> tuple[int, int]:
        """Quit with ctrl+q (kill if it will not); returns (exit status, peak RSS in KB)."""
        if not self.eof:
            with contextlib.suppress(OSError):
                os.write(self.fd, CTRL_Q)
            deadline = time.perf_counter() + timeout
            while not self.eof and time.perf_counter() < deadline:
                self._read_once(deadline - time.perf_counter())
        deadline = time.perf_counter() + timeout
        while True:
            pid, status, usage = os.wait4(self.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() >= deadline:
                os.kill(self.pid, signal.SIGKILL)
                _, status, usage = os.wait4(self.pid, 0)
                break
            time.sleep(0.01)
        os.close(self.fd)
        return status, usage.ru_maxrss
