"""CT log lists in the format browsers publish (v3 JSON, ``log_list.json``): which logs to follow.

``operators[].logs[]`` are RFC 6962 logs (``url``), ``operators[].tiled_logs[]`` static-ct-api logs
(``monitoring_url``); each carries its ``key`` (DER SubjectPublicKeyInfo, base64), ``log_id`` (SHA-256
of the key) and ``state``. A small example naming the lab's logs is bundled; ``[ct] log_list``
points at a real list.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from mirrorhunt.errors import ConfigError

FOLLOWED_STATES = ("usable", "qualified", "readonly")
"""States whose logs still receive or serve certificates worth reading."""

_FIELDS: tuple[tuple[Literal["rfc6962", "tiled"], str, str], ...] = (
    ("rfc6962", "logs", "url"),
    ("tiled", "tiled_logs", "monitoring_url"),
)
_HINT = "give a log list in the v3 format browsers publish (operators → logs / tiled_logs)"


@dataclass(frozen=True, slots=True, kw_only=True)
class LogInfo:
    """One log of a list: who runs it, how to read it, its key and its state."""

    operator: str
    description: str
    kind: Literal["rfc6962", "tiled"]
    url: str
    """The base URL of an RFC 6962 log, or the monitoring prefix of a tiled log."""
    key: bytes
    log_id: bytes
    state: str


def bundled_log_list() -> Path:
    """The bundled example list (the lab's logs, with placeholder keys)."""
    return Path(str(resources.files("mirrorhunt.sources").joinpath("data/log_list.json")))


def load_log_list(path: Path, *, states: tuple[str, ...] = FOLLOWED_STATES) -> list[LogInfo]:
    """The logs of a list file whose state is one of ``states``; ``ConfigError`` if it is malformed."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read the CT log list {path}: {exc.strerror}", hint=_HINT) from exc
    except ValueError as exc:
        raise ConfigError(f"the CT log list {path} is not JSON: {exc}", hint=_HINT) from exc
    return [log for log in parse_log_list(document, source=str(path)) if log.state in states]


def parse_log_list(document: Any, *, source: str) -> list[LogInfo]:
    """Every log of a v3 log list document, in the list's order."""
    operators = document.get("operators") if isinstance(document, dict) else None
    if not isinstance(operators, list):
        raise ConfigError(f"the CT log list {source} has no operators", hint=_HINT)
    found: list[LogInfo] = []
    for operator in operators:
        if not isinstance(operator, dict):
            raise ConfigError(f"the CT log list {source} has an operator that is not an object", hint=_HINT)
        name = str(operator.get("name", ""))
        for kind, field, url_field in _FIELDS:
            entries = operator.get(field, [])
            if not isinstance(entries, list):
                raise ConfigError(f"the CT log list {source}: {name} {field} is not a list", hint=_HINT)
            found.extend(
                _log(entry, operator=name, kind=kind, url_field=url_field, source=source) for entry in entries
            )
    return found


def _log(
    entry: Any, *, operator: str, kind: Literal["rfc6962", "tiled"], url_field: str, source: str
) -> LogInfo:
    if not isinstance(entry, dict):
        raise ConfigError(f"the CT log list {source}: a log of {operator} is not an object", hint=_HINT)
    description = str(entry.get("description", ""))
    where = f"the CT log list {source}: log {description or '?'} of {operator}"
    url, state = entry.get(url_field), entry.get("state")
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        raise ConfigError(f"{where} has no {url_field}", hint=_HINT)
    try:
        key = base64.b64decode(str(entry.get("key", "")), validate=True)
        log_id = base64.b64decode(str(entry.get("log_id", "")), validate=True)
    except binascii.Error as exc:
        raise ConfigError(f"{where} has a key or log_id that is not base64", hint=_HINT) from exc
    if not key or hashlib.sha256(key).digest() != log_id:
        raise ConfigError(f"{where}: log_id is not the SHA-256 of its key", hint=_HINT)
    states = list(state) if isinstance(state, dict) else []
    return LogInfo(
        operator=operator,
        description=description,
        kind=kind,
        url=url.rstrip("/") + "/",
        key=key,
        log_id=log_id,
        state=states[0] if len(states) == 1 else "unknown",
    )


def log_list_document(logs: list[LogInfo]) -> dict[str, Any]:
    """A v3 log list naming ``logs`` (grouped by operator), e.g. to point a monitor at the lab."""
    operators: dict[str, dict[str, Any]] = {}
    for log in logs:
        group = operators.setdefault(
            log.operator, {"name": log.operator, "email": [], "logs": [], "tiled_logs": []}
        )
        common = {
            "description": log.description,
            "log_id": base64.b64encode(log.log_id).decode(),
            "key": base64.b64encode(log.key).decode(),
            "mmd": 86400,
            "state": {log.state: {"timestamp": "1970-01-01T00:00:00Z"}},
        }
        if log.kind == "rfc6962":
            group["logs"].append({**common, "url": log.url})
        else:
            group["tiled_logs"].append({**common, "submission_url": log.url, "monitoring_url": log.url})
    return {"version": "mirrorhunt", "operators": list(operators.values())}
