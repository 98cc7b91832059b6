"""Settings: ``mirrorhunt.toml``, overridden by ``MIRRORHUNT_*`` environment variables, overridden by flags.

Nested keys are joined with ``__`` in the environment (``MIRRORHUNT_PUBLISH__ZONE``); lists and tables
there are JSON (``MIRRORHUNT_RESOLVERS='["127.0.0.1:5353"]'``).
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from mirrorhunt.errors import ConfigError
from mirrorhunt.model import ListingAction

ENV_PREFIX = "MIRRORHUNT_"
DEFAULT_FILE = Path("mirrorhunt.toml")


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProbeSettings(_Section):
    timeout: float = 10.0
    """Seconds one capture (DNS, TLS, page, favicon) may take in all."""
    connect_timeout: float = 5.0
    max_body_bytes: int = 2_000_000
    max_redirects: int = 5
    concurrency: int = 64
    http_port: int = 80
    https_port: int = 443
    ca_bundle: str | None = None
    """PEM file of extra trusted authorities (the lab writes its CA here)."""
    user_agent: str = "mirrorhunt/0.1 (court-ordered blocking; landing page only)"
    proxy: str | None = None
    """``socks5://[user:password@]host:port``: every connection goes through it, names resolved by the
    proxy (Tor for .onion mirrors, or another vantage point); .onion names are refused without one."""
    max_per_host: int = 4
    """Requests in flight to one host name at a time."""
    max_per_address: int = 16
    """Requests in flight to one IP address at a time (many names often share one server)."""
    keepalive: float = 2.0
    """Seconds an idle connection is kept for the next request to its host (each holds ~130 KB of
    TLS buffers: a long keep-alive in a sweep of distinct hosts only costs memory)."""


class CtSettings(_Section):
    logs: list[str] = []
    """Base URLs of RFC 6962 logs to follow, e.g. ``https://ct.example/2026/``."""
    batch_size: int = 256
    max_entries_per_pass: int = 100_000
    log_list: str | None = None
    """A log list in the browsers' v3 JSON format (log_list.json): its usable logs are followed too."""


class PermuteSettings(_Section):
    tld_swap: bool = True
    typos: bool = True
    scan_limit: int = 5000
    """How many permutations, most likely first, one ``scan`` looks up; ``run`` sweeps them all."""


class ZoneSettings(_Section):
    watch: list[str] = []
    """Folders that receive zone files (``<zone>-YYYYMMDD.zone[.gz]``) or lists of new names
    (``<feed>-YYYYMMDD.txt[.gz]``): ``run`` matches the names each new file adds."""


class MonitorSettings(_Section):
    """Pace of ``mirrorhunt run``, in seconds."""

    ct_every: float = 2.0
    queue_every: float = 1.0
    reprobe_every: float = 6 * 3600.0
    """Live names (mirrors, parked pages, unrelated sites) and seized names are probed again this often."""
    reprobe_gone_every: float = 24 * 3600.0
    sweep_every: float = 24 * 3600.0
    """A full permutation sweep of every case starts again this long after the last one ended."""
    zones_every: float = 60.0
    """The folders of ``[zones] watch`` are looked at this often."""


class PublishSettings(_Section):
    zone: str = "rpz.mirrorhunt."
    ttl: int = 60
    listen: str = "127.0.0.1:5400"
    notify: list[str] = []
    tsig: str | None = None
    """``"name:algorithm:base64secret"``: transfers must be signed with it (docs/publishing.md)."""
    update: str | None = None
    """``"host:port"`` of the operator's own primary: listing changes are pushed to it as RFC 2136
    UPDATEs signed with ``tsig`` (``publish.update.push_changes``) instead of served by us."""
    allow: list[str] = ["127.0.0.0/8", "::1"]
    """Addresses or networks that may ask the primary for the zone (SOA, AXFR, IXFR)."""
    signing_key: str | None = None
    """minisign secret key file that signs every export and zone (``mirrorhunt keys generate``)."""
    feeds_listen: str = "127.0.0.1:8053"
    """Where ``mirrorhunt serve`` serves the signed feeds over HTTP; "" serves none."""
    max_added: int = 500
    """Names a minute may add to the published zone before a person must confirm (``publish confirm``)."""
    max_removed_share: float = 0.2
    """Share of the published names a minute may drop before a person must confirm."""
    removed_floor: int = 10
    """Drops of up to this many names a minute never need confirming, whatever the share."""
    allowlist: list[str] = []
    """Names never published, nor any name below or above them."""
    allowlist_file: str | None = None
    """A file of more such names, one a line (``#`` comments)."""
    stop_page: str | None = None
    """The stop page's host name: never published, nor any name above it."""
    action: ListingAction = "nxdomain"
    """What resolvers answer for a name listed without saying: nxdomain, nodata, redirect (to
    ``stop_page``, which must then be set) or passthru."""


class EngineSettings(_Section):
    """Where the heavy work runs (docs/scale.md)."""

    scheduler: str | None = None
    """``tcp://host:8786``: sweeps, list probes and zone diffs run on that Dask cluster; absent: here."""
    partition_names: int = 4096
    """Names in one partition of a sweep or a list probe (one task on one worker)."""
    lease_seconds: float = 30.0
    """How long a process holds a source or the primary without renewing it; a dead holder's lease is
    taken over this long after its last renewal."""


class ReviewSettings(_Section):
    """The review desk's clocks (seconds and days) and patience."""

    confirm_within: float = 86_400.0
    """Seconds within which a person must confirm a name the machine listed, or it is withdrawn."""
    delist_after: int = 3
    """Consecutive re-checks that no longer see the mirror before its delisting is proposed."""
    contest_days: int = 14
    """Days a contest may wait for its decision."""
    listing_days: int = 365
    """Days a listing lasts when its case's order gives no end date."""
    sweep_every: float = 60.0
    """Seconds between two sweeps of ``mirrorhunt run`` that withdraw unconfirmed and expired listings."""


class AuditSettings(_Section):
    """The transparency log (docs/audit.md)."""

    key: str | None = None
    """Signing key file of the log's checkpoints (``mirrorhunt keys audit``); none: the log is not signed."""
    origin: str | None = None
    """The log's name in its checkpoints and key; default: the RPZ zone followed by ``/audit``."""


class WebSettings(_Section):
    listen: str = "127.0.0.1:8000"
    """Where ``mirrorhunt serve`` serves the review desk and its API; "" serves none."""
    public_url: str = "http://127.0.0.1:8000"
    """How people reach the desk (behind a proxy, its public address): links on the stop page use it."""
    session_hours: float = 12.0
    """A browser session ends this long after signing in."""
    login_failures_allowed: int = 5
    """Failed logins in a row (per account and address) before each further attempt must wait."""


class WebhookSettings(_Section):
    """One receiver of alerts over HTTP POST."""

    url: str
    secret: str | None = None
    """Signs each body: ``X-Mirrorhunt-Signature: sha256=<hex HMAC-SHA256>``; absent: unsigned."""
    shape: Literal["json", "slack", "matrix"] = "json"
    """``json``: the alerts as data; ``slack``: ``{"text": …}``; ``matrix``: an ``m.text`` message."""
    cases: list[str] = []
    """Only alerts of these cases (and those of no case); empty: every case."""
    kinds: list[str] = []
    """Only these kinds of alert (docs/alerts.md); empty: every kind."""


class SmtpSettings(_Section):
    """The mail server that sends alerts by e-mail, and who receives them."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    host: str
    port: int = 25
    sender: str = Field(alias="from")
    to: list[str] = []
    starttls: bool = False
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0


class AlertsSettings(_Section):
    """Who is told what, and how fast (docs/alerts.md)."""

    webhooks: list[WebhookSettings] = []
    """Receivers: tables (url, secret, shape, cases, kinds), or plain URLs."""
    smtp: SmtpSettings | None = None
    min_score: float = 0.8
    """A verdict at least this high is a new candidate worth an alert."""
    digest_window: float = 60.0
    """Seconds alerts for one receiver are gathered into one message."""
    expiry_warning_days: int = 7
    stalled_after: float = 900.0
    """Seconds a CT log may stay at one position, or a resolver stay silent, before it is an alert."""
    check_every: float = 30.0
    """Seconds between two looks at expiring listings and stalled sources."""
    retry_base: float = 5.0
    retry_cap: float = 3600.0
    """A failed delivery is tried again after ``retry_base`` seconds, doubling up to ``retry_cap``."""

    @field_validator("webhooks", mode="before")
    @classmethod
    def _plain_urls(cls, value: Any) -> Any:
        if isinstance(value, list):
            return [{"url": item} if isinstance(item, str) else item for item in value]
        return value


class StoppageSettings(_Section):
    """The page a redirected name leads to (docs/stoppage.md)."""

    listen: str = "127.0.0.1:8080"
    """Where ``mirrorhunt serve`` serves it; "" serves none."""
    authority: str = ""
    """Who ordered the blocks, as the page names it."""
    contest_url: str = "http://127.0.0.1:8000/contest"
    """The web desk's contest form; the page links to it with ``?name=<the blocked name>``."""
    certificate: str | None = None
    """PEM certificate (chain) for HTTPS, provided by the operator; with ``key``."""
    key: str | None = None


class Settings(_Section):
    database_url: str = "sqlite:///mirrorhunt.db"
    evidence_dir: str = "evidence"
    """Where capture WARCs are kept; a relative path is taken beside an SQLite database file."""
    resolvers: list[str] = []
    """``host:port`` of the resolvers the prober asks; empty means those of /etc/resolv.conf."""
    allow_private_addresses: bool = False
    """Probe names that resolve to private, loopback or reserved addresses (the lab needs this)."""
    probe: ProbeSettings = ProbeSettings()
    ct: CtSettings = CtSettings()
    permute: PermuteSettings = PermuteSettings()
    monitor: MonitorSettings = MonitorSettings()
    zones: ZoneSettings = ZoneSettings()
    publish: PublishSettings = PublishSettings()
    web: WebSettings = WebSettings()
    audit: AuditSettings = AuditSettings()
    review: ReviewSettings = ReviewSettings()
    alerts: AlertsSettings = AlertsSettings()
    stoppage: StoppageSettings = StoppageSettings()
    engine: EngineSettings = EngineSettings()


def load_settings(
    *,
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Settings:
    """Merge the file, the environment and the flags, in that order of strength."""
    data: dict[str, Any] = {}
    path = config_file if config_file is not None else DEFAULT_FILE
    if config_file is not None or path.exists():
        _merge(data, _read_file(path))
    _merge(data, _from_environment(environ if environ is not None else {}))
    _merge(data, dict(overrides or {}))
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'settings'}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(
            f"invalid settings: {problems}", hint=f"check {path} and {ENV_PREFIX}* variables"
        ) from exc


def _read_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"cannot read settings file {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"settings file {path} is not valid TOML: {exc}") from exc


def _from_environment(environ: Mapping[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for key, raw in environ.items():
        if not key.startswith(ENV_PREFIX) or key == ENV_PREFIX:
            continue
        path = key[len(ENV_PREFIX) :].lower().split("__")
        value: Any = raw
        if raw.lstrip().startswith(("[", "{")):
            try:
                value = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise ConfigError(
                    f"{key} is not valid JSON: {exc.msg}", hint="lists and tables are JSON"
                ) from exc
        node = data
        for part in path[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise ConfigError(f"{key} sets a key inside a value that is not a table")
        node[path[-1]] = value
    return data


def _merge(into: dict[str, Any], layer: Mapping[str, Any]) -> None:
    for key, value in layer.items():
        if isinstance(value, Mapping) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = dict(value) if isinstance(value, Mapping) else value
