"""What anchors the audit trail outside the database: a secret key and a witness.

- **The audit key** (``audit.key``, 0600, in the user's config folder; or the
  file ``RR_TUI_AUDIT_KEY`` names) keys the chain: every entry's hash is an
  HMAC-SHA-256 under it, so someone who can edit the database but has not the
  key cannot rewrite an entry and recompute the chain. A team sharing one
  PostgreSQL database shares one key: the first coordinator's rr-tui makes it,
  and the others copy that file (see the README and docs/decisions.md). Each
  entry carries the key's fingerprint (not the key), so a coordinator with the
  wrong key or none is told so before saving anything.
- **The witness** (one small file per database in the user's state folder, or
  in ``RR_TUI_WITNESS_DIR``) holds the position and hash of the newest entry
  this account has seen written. The chain can grow past it (colleagues'
  saves), but it must always still contain it: cutting off the newest entries,
  or rewriting the whole chain, is caught even by someone who has the key.

Standard library only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rr_tui.errors import ConfigError, RRError

ENV_KEY = "RR_TUI_AUDIT_KEY"
ENV_WITNESS = "RR_TUI_WITNESS_DIR"
KEY_BYTES = 32


@dataclass(frozen=True)
class AuditKey:
    secret: bytes
    key_id: str  # a fingerprint that reveals nothing about the key
    path: Path

    def sign(self, message: str) -> str:
        return hmac.new(self.secret, message.encode(), hashlib.sha256).hexdigest()


def key_id_of(secret: bytes) -> str:
    return hashlib.sha256(b"rr-tui audit key fingerprint\x00" + secret).hexdigest()[:16]


def key_path() -> Path:
    override = os.environ.get(ENV_KEY)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_config_path("rr-tui", appauthor=False) / "audit.key"


def load_key(path: Path | None = None, *, create: bool) -> AuditKey | None:
    """The audit key; made (0600) when missing and ``create``; None when missing otherwise."""
    path = path or key_path()
    try:
        info = os.stat(path)
    except FileNotFoundError:
        if not create:
            return None
        return _make_key(path)
    except OSError as exc:
        raise ConfigError(f"the audit key {path} cannot be read ({exc.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise ConfigError(f"the audit key {path} is not a regular file")
    if info.st_mode & 0o077 or info.st_uid != os.geteuid():
        raise ConfigError(
            f"the audit key {path} can be read by other accounts or is not yours; "
            f"run: chmod 600 {path}"
        )
    from rr_tui.files.safe_files import read_input

    raw = read_input(path, what=f"the audit key {path}", limit=1024, error=ConfigError)
    try:
        secret = bytes.fromhex(raw.decode("ascii").strip())
    except (UnicodeDecodeError, ValueError):
        secret = b""
    if len(secret) != KEY_BYTES:
        raise ConfigError(f"the audit key {path} is not an rr-tui audit key (64 hex digits)")
    return AuditKey(secret, key_id_of(secret), path)


def _make_key(path: Path) -> AuditKey:
    """Make the key: written whole to a private temporary file, then linked into place,
    so a process starting at the same moment never reads half a key."""
    secret = secrets.token_bytes(KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=".audit-key.", dir=path.parent)
    except OSError as exc:
        raise ConfigError(f"cannot make the audit key {path} ({exc.strerror})") from None
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secret.hex() + "\n").encode())
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.link(tmp, path)
    except FileExistsError:
        # Another process made it first: use theirs.
        found = load_key(path, create=False)
        assert found is not None
        return found
    except OSError as exc:
        raise ConfigError(f"cannot make the audit key {path} ({exc.strerror})") from None
    finally:
        if fd >= 0:
            os.close(fd)
        os.unlink(tmp)
    return AuditKey(secret, key_id_of(secret), path)


# -- the witness --------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    seq: int
    hash: str


def witness_dir() -> Path:
    override = os.environ.get(ENV_WITNESS)
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_state_path("rr-tui", appauthor=False) / "witness"


def witness_path(identity: str) -> Path:
    """The witness file of the database ``identity`` names (its path or server and name)."""
    name = hashlib.sha256(identity.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    return witness_dir() / f"{name}.json"


class WitnessUnreadable(RRError):
    exit_code = 11


def read_witness(path: Path) -> Witness | None:
    """The witness, None when this account has none for that database."""
    from rr_tui.files.safe_files import read_input

    if not os.path.lexists(path):
        return None
    raw = read_input(path, what=f"the audit witness {path}", limit=4096, error=WitnessUnreadable)
    try:
        data = json.loads(raw)
        seq, digest = data["seq"], data["hash"]
        if not (isinstance(seq, int) and isinstance(digest, str) and seq >= 1):
            raise ValueError
    except (ValueError, KeyError, TypeError):
        raise WitnessUnreadable(
            f"the audit witness {path} is damaged; it can no longer vouch for the trail's end"
        ) from None
    return Witness(seq, digest)


def write_witness(path: Path, witness: Witness, identity: str) -> None:
    """Record the newest entry seen (atomically; a witness that cannot be written is no loss
    of data: the next write or ``audit verify`` tries again)."""
    from rr_tui.files.safe_files import write_file

    content = json.dumps({"database": identity, "seq": witness.seq, "hash": witness.hash})
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_file(path, content + "\n", what="the audit witness", durable=False)
    except (OSError, RRError):
        pass
