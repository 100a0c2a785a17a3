"""Every file rr-tui reads from a user or writes for one goes through here.

Standard library only, so the list's first screenful (``rr_tui.first_page``)
can use it before SQLAlchemy is imported.

Writing (``write_file``, ``write_new``): the content goes to a new private
(0600) temporary file in the target's own folder, is synced to disk, and is
then renamed into place, so a reader sees the old file or the whole new one,
never a cut-off one, and a failure (a full disk, an interrupt) leaves nothing
behind. An existing file is replaced only when it is the user's own regular
file: never another account's file (which would keep its owner's access to
the child's data), a link, a device or a pipe. ``-`` means standard output and
is the caller's business.

Reading (``read_input``): only regular files, and at most a documented size,
so ``--config /dev/zero`` or ``import /dev/zero`` is one clear line, not a
process that reads for ever.
"""

from __future__ import annotations

import errno
import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from rr_tui.errors import InputError, RRError

# Size caps for what rr-tui reads (documented in the README).
MAX_CONFIG_BYTES = 1024 * 1024  # 1 MiB: a configuration file is a few lines
MAX_IMPORT_BYTES = 64 * 1024 * 1024  # 64 MiB: about 500,000 cases as CSV

ErrorType = Callable[[str], RRError]


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENOSPC or exc.errno == errno.EDQUOT:
        return "the disk is full"
    if exc.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EROFS:
        return "the disk is read-only"
    if exc.errno == errno.ENOENT:
        return "its folder does not exist"
    if exc.errno == errno.ENOTDIR:
        return "part of the path is not a folder"
    if exc.errno == errno.ELOOP:
        return "the path goes through symbolic links in a loop"
    return exc.strerror or "input/output error"


# -- reading ------------------------------------------------------------------


def read_input(path: Path, *, what: str, limit: int, error: ErrorType = InputError) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or ``error`` with one sentence.

    ``what`` names the file in the sentence ("the import file").
    """
    try:
        # O_NONBLOCK: opening a named pipe must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | os.O_NOCTTY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise error(f"{what} does not exist") from None
    except IsADirectoryError:
        raise error(f"{what} is a folder, not a file") from None
    except (OSError, ValueError) as exc:
        reason = _reason(exc) if isinstance(exc, OSError) else "the path is not valid"
        raise error(f"{what} cannot be read ({reason})") from None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise error(f"{what} is a folder, not a file")
        if not stat.S_ISREG(info.st_mode):
            raise error(f"{what} is not a regular file (a device, a pipe or a socket)")
        if info.st_size > limit:
            raise error(f"{what} is larger than rr-tui reads ({_size(limit)} at most)")
        os.set_blocking(fd, True)
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, 1024 * 1024)
            if not chunk:
                break
            total += len(chunk)
            if total > limit:  # it grew while being read
                raise error(f"{what} is larger than rr-tui reads ({_size(limit)} at most)")
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError as exc:
        raise error(f"{what} cannot be read ({_reason(exc)})") from None
    finally:
        os.close(fd)


def _size(limit: int) -> str:
    if limit >= 1024 * 1024:
        return f"{limit // (1024 * 1024)} MiB"
    return f"{limit // 1024} KiB"


# -- writing ------------------------------------------------------------------


def check_output_path(path: Path, *, what: str = "the output file") -> None:
    """Refuse, before any work, an output path that could not be replaced safely."""
    text = str(path)
    if not text or "\x00" in text:
        raise InputError(f"{what}: the path is empty or not valid")
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"cannot write {what} ({_reason(exc)})") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise InputError(f"{what} is a symbolic link; give the real path")
        if stat.S_ISDIR(info.st_mode):
            raise InputError(f"{what} is a folder; give a file name")
        if not stat.S_ISREG(info.st_mode):
            raise InputError(
                f"{what} is not a regular file (a device, a pipe or a socket); "
                "give a file name, or - for standard output"
            )
        if info.st_uid != os.geteuid():
            raise InputError(
                f"{what} belongs to another account; rr-tui replaces only your own files"
            )
    parent = path.parent
    try:
        parent_info = os.stat(parent)
    except FileNotFoundError:
        raise InputError(f"cannot write {what} (its folder does not exist)") from None
    except OSError as exc:
        raise InputError(f"cannot write {what} ({_reason(exc)})") from None
    if not stat.S_ISDIR(parent_info.st_mode):
        raise InputError(f"cannot write {what} (part of the path is not a folder)")


def write_file(
    path: Path, content: str | bytes, *, what: str = "the output file", durable: bool = True
) -> None:
    """Write ``content`` to ``path`` atomically, readable only by its owner (see the module).

    ``durable=False`` skips the syncs, for files whose loss in a power cut is
    harmless (the audit witness, a cache): the rename is still atomic.
    """
    data = content.encode("utf-8") if isinstance(content, str) else content
    check_output_path(path, what=what)
    _write_atomic(
        path, lambda fd, _tmp: _write_all(fd, data), what=what, replace=True, durable=durable
    )


def write_new(path: Path, fill: Callable[[Path], None], *, what: str = "the output file") -> None:
    """Make a new file at ``path`` (never replacing one) by ``fill``ing a private temporary file.

    ``fill`` gets the temporary file's path (for writers such as SQLite's
    backup, which open files by name) and must leave the complete content in it.
    """
    check_output_path(path, what=what)
    if os.path.lexists(path):
        raise InputError(f"{what} already exists; choose a new file name")
    _write_atomic(path, lambda _fd, tmp: fill(tmp), what=what, replace=False)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _write_atomic(
    path: Path,
    fill: Callable[[int, Path], None],
    *,
    what: str,
    replace: bool,
    durable: bool = True,
) -> None:
    parent = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name[:80]}.", suffix=".tmp", dir=parent)
    except OSError as exc:
        raise InputError(f"cannot write {what} ({_reason(exc)}); nothing was written") from None
    tmp = Path(tmp_name)
    done = False
    try:
        os.fchmod(fd, 0o600)
        fill(fd, tmp)
        if durable:
            os.fsync(fd)
        os.close(fd)
        fd = -1
        if durable:
            with open(tmp, "rb") as handle:  # a filler that wrote by name: sync that too
                os.fsync(handle.fileno())
        if replace:
            check_output_path(path, what=what)  # nothing swapped in meanwhile
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the name was taken meanwhile
            except FileExistsError:
                raise InputError(f"{what} already exists; choose a new file name") from None
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP):
                    raise
                if os.path.lexists(path):
                    raise InputError(f"{what} already exists; choose a new file name") from None
                os.rename(tmp, path)
        done = True
        if durable:
            _sync_folder(parent)
    except OSError as exc:
        raise InputError(
            f"cannot write {what} ({_reason(exc)}); nothing was written"
            + (" and any earlier file is unchanged" if replace else "")
        ) from None
    finally:
        if fd >= 0:
            os.close(fd)
        if not done or not replace:
            _remove(tmp)


def _remove(tmp: Path) -> None:
    for candidate in (tmp, *(tmp.with_name(tmp.name + s) for s in ("-journal", "-wal", "-shm"))):
        try:
            candidate.unlink()
        except FileNotFoundError:
            pass
        except OSError:
            pass


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# -- folders and mounts -------------------------------------------------------


def others_can_write(folder: Path) -> bool:
    """Can an account other than the owner (or root) create files in ``folder``?"""
    info = os.stat(folder)
    if info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
        return True
    return info.st_uid not in (os.geteuid(), 0)


def decode_mount_field(field: str) -> str:
    r"""Undo the octal escapes of /proc/self/mountinfo (``\040`` is a space)."""
    if "\\" not in field:
        return field
    out: list[str] = []
    i = 0
    while i < len(field):
        digits = field[i + 1 : i + 4]
        if field[i] == "\\" and len(digits) == 3 and all(c in "01234567" for c in digits):
            out.append(chr(int(digits, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def mount_table(mountinfo: str) -> list[tuple[str, str]]:
    """(mount point, file system type) pairs from the text of /proc/self/mountinfo."""
    table: list[tuple[str, str]] = []
    for line in mountinfo.splitlines():
        left, sep, right = line.partition(" - ")
        parts, rest = left.split(), right.split()
        if not sep or len(parts) < 5 or not rest:
            continue
        table.append((decode_mount_field(parts[4]), rest[0]))
    return table


def filesystem_type(path: Path, mountinfo: str | None = None) -> str | None:
    """The type of the file system holding ``path`` (Linux only; else None)."""
    if mountinfo is None:
        try:
            mountinfo = Path("/proc/self/mountinfo").read_text(errors="surrogateescape")
        except OSError:
            return None
    try:
        target = os.path.realpath(path)
    except (OSError, ValueError):
        return None
    best, kind = "", None
    for mount, fs in mount_table(mountinfo):
        inside = target == mount or target.startswith(mount.rstrip("/") + "/")
        if inside and len(mount) >= len(best):
            best, kind = mount, fs
    return kind
