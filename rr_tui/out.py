"""What the command line prints is what was meant.

Text that came from the database, the configuration or a file can hold escape
sequences that would clear a coordinator's screen or rename the terminal, and
bidi overrides that would reverse what it shows. Every command's standard
output goes through ``GuardedStream``, which removes them (plain text, CSV and
Markdown alike); JSON is written with them as ``\\u`` escapes instead
(``json_text``), so no data is lost and nothing reaches the terminal raw.

The same stream turns the ways standard output can fail into one line and
exit 74: closed (``rr-tui status >&-``), full (``> /dev/full``), or another
error. A terminal that is not UTF-8 (a Latin-1 SSH session) gets ``?`` for
what it cannot show, never a traceback.
"""

from __future__ import annotations

import errno
import io
import re
import sys
from typing import Any, TextIO

from rr_tui.errors import RRError

# C0 controls except tab and newline, DEL, C1 controls, bidi embeddings,
# overrides, isolates and marks, and the Unicode line and paragraph separators.
_UNSAFE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
# Of those, the ASCII ones: all an ASCII text can hold (ESC and CR included).
_ASCII_UNSAFE = tuple(chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F))
# A whole escape sequence (CSI, OSC, or a two-character one), so that
# "ESC[31m" leaves nothing behind.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
# Lone surrogates: how Python carries bytes of invalid UTF-8 in arguments and paths.
_SURROGATE = re.compile("[\ud800-\udfff]")
# What JSON output shows as \u escapes (json.dumps already escapes C0).
_JSON_UNSAFE = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


class OutputError(RRError):
    """Standard output is closed, full, or failed."""

    exit_code = 74


def neutral(text: str) -> str:
    """``text`` without escape sequences, controls (but tab and newline) or bidi overrides.

    Invalid UTF-8 carried in from arguments or paths becomes U+FFFD. Unlike
    ``sanitize.clean_text`` nothing else changes (no normalisation), so CSV
    written to standard output keeps its data.
    """
    # Most output is ASCII with nothing to remove (all of ``status --json``, 14 MB
    # for 10,000 cases): checking each unsafe ASCII character with ``in`` (a C
    # memchr) is about 15x faster than running the substitutions below over it.
    if text.isascii() and not any(c in text for c in _ASCII_UNSAFE):
        return text
    text = _ESCAPE.sub("", text)
    text = text.replace("\r\n", "\n")
    text = _UNSAFE.sub("", text)
    return _SURROGATE.sub("\ufffd", text)


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_escape(text: str) -> str:
    """Make JSON text safe to print: C1 controls and bidi overrides as ``\\u`` escapes.

    Those characters only ever appear inside JSON strings, where the escape
    means the same character, so the data is unchanged for any JSON reader.
    """
    return _JSON_UNSAFE.sub(_escape, text)


def json_text(value: Any, *, indent: int | None = 1) -> str:
    """``json.dumps`` with ``json_escape`` applied."""
    import json  # here, not at the top: every command imports this module first

    return json_escape(json.dumps(value, indent=indent, ensure_ascii=False))


def _failure(exc: BaseException) -> OutputError:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError("cannot write to standard output: the disk is full")
    if isinstance(exc, ValueError) or (isinstance(exc, OSError) and exc.errno == errno.EBADF):
        return OutputError("cannot write to standard output: it is closed")
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else "input/output error"
    return OutputError(f"cannot write to standard output ({reason})")


class GuardedStream(io.TextIOBase):
    """A stand-in for ``sys.stdout`` that neutralises and reports failures (see the module)."""

    def __init__(self, stream: TextIO | None) -> None:
        super().__init__()
        self.stream = stream
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            "".encode(encoding)
        except LookupError:
            encoding = "utf-8"
        self._encoding = encoding

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self._encoding

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        try:
            return bool(self.stream is not None and self.stream.isatty())
        except (OSError, ValueError):
            return False

    def write(self, text: str) -> int:
        if self.stream is None:
            raise OutputError("cannot write to standard output: it is closed")
        safe = neutral(text)
        # What this terminal's encoding cannot show becomes "?".
        safe = safe.encode(self._encoding, "replace").decode(self._encoding)
        try:
            self.stream.write(safe)
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise _failure(exc) from None
        return len(text)

    def flush(self) -> None:
        if self.stream is None:
            return
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except (OSError, ValueError) as exc:
            raise _failure(exc) from None


def write_text(text: str) -> None:
    """Write to standard output (which ``cli.main`` has guarded)."""
    sys.stdout.write(text)


def error_line(message: str) -> None:
    """``rr-tui: message`` on standard error, neutralised; silent if stderr is gone."""
    stream = sys.stderr
    if stream is None:
        return
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        line = neutral(f"rr-tui: {message}").replace("\n", " ") + "\n"
        stream.write(line.encode(encoding, "replace").decode(encoding))
        stream.flush()
    except (OSError, ValueError, LookupError):
        pass
