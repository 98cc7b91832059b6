"""The log as published: written to a directory (``audit export``), read back from one or from a URL
(``audit verify --log``)."""

from __future__ import annotations

import os
import shutil
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from mirrorhunt.audit.log import AuditLog
from mirrorhunt.audit.note import VerifierKey
from mirrorhunt.audit.tiles import CHECKPOINT_FILE
from mirrorhunt.errors import InvalidInput, NotFound, SourceError
from mirrorhunt.store.audit import StoredCheckpoint

VKEY_FILE = "vkey"
"""The verifier key, beside the checkpoint: a copy for convenience; an auditor brings their own."""

MAX_FILE_BYTES = 16 * 1024 * 1024
TIMEOUT_SECONDS = 30.0

Reader = Callable[[str], bytes | None]


def export_log(log: AuditLog, directory: Path, *, verifier: VerifierKey) -> StoredCheckpoint:
    """Write the latest signed tree to ``directory``, replacing an earlier export whole.

    The files are written in a new directory beside it, which then takes its place: a reader sees the
    old export or the new one. A directory that holds something else than an export is refused.
    """
    latest = log.checkpoint()
    target = directory.resolve()
    if target.exists() and not target.is_dir():
        raise InvalidInput(f"{directory} is not a directory", hint="choose another place for the log")
    if target.exists() and any(target.iterdir()) and not (target / CHECKPOINT_FILE).is_file():
        raise InvalidInput(
            f"{directory} is not empty and holds no exported log", hint="choose another directory"
        )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
        try:
            for path, content in log.files():
                _write(staging / path, content)
            _write(staging / VKEY_FILE, (verifier.text() + "\n").encode())
            os.chmod(staging, 0o755)  # noqa: S103 (a published log is for everyone to read)
            _replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    except OSError as exc:
        raise InvalidInput(f"cannot write the log to {directory}: {exc.strerror or exc}") from exc
    return latest


def reader_of(location: str) -> Reader:
    """A reader of the published files under ``location``: an http(s) URL or a directory."""
    if urlsplit(location).scheme in ("http", "https"):
        return _http_reader(location)
    root = Path(location)
    if not (root / CHECKPOINT_FILE).is_file():
        raise InvalidInput(
            f"{location} holds no checkpoint", hint="give the directory `audit export` wrote, or its URL"
        )
    return _directory_reader(root)


def read_checkpoint(path: Path) -> str:
    """The text of a checkpoint kept in a file (``--since``)."""
    content = _directory_reader(path.parent)(path.name)
    if content is None:
        raise NotFound(f"no checkpoint file at {path}", hint="save one from /audit/checkpoint or an export")
    return content.decode("utf-8", "replace")


def _directory_reader(root: Path) -> Reader:
    def read(path: str) -> bytes | None:
        try:
            return (root / path).read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise InvalidInput(f"cannot read {root / path}: {exc.strerror}") from exc

    return read


def _http_reader(base: str) -> Reader:
    base = base.rstrip("/") + "/"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def read(path: str) -> bytes | None:
        url = base + path
        try:
            with opener.open(url, timeout=TIMEOUT_SECONDS) as response:
                body: bytes = response.read(MAX_FILE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return None
            raise SourceError(f"{url} answered HTTP {exc.code}") from exc
        except (urllib.error.URLError, OSError) as exc:
            raise SourceError(f"cannot fetch {url}: {getattr(exc, 'reason', exc)}") from exc
        if len(body) > MAX_FILE_BYTES:
            raise SourceError(f"{url} is larger than {MAX_FILE_BYTES} bytes")
        return body

    return read


def _write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _replace(staging: Path, target: Path) -> None:
    """Put ``staging`` where ``target`` is: an empty or absent target at once; an earlier export moved
    aside first, then removed."""
    if target.exists() and not any(target.iterdir()):
        target.rmdir()
    if not target.exists():
        os.rename(staging, target)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=target.parent))
    os.rename(target, old / "log")
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)
