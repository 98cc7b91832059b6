"""A small case in a store, the app serving it on loopback, a plain HTTP client following no redirect."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from mirrorhunt.audit.keys import configured_signer, generate_audit_key
from mirrorhunt.audit.log import AuditLog
from mirrorhunt.clock import SystemClock
from mirrorhunt.config import Settings
from mirrorhunt.model import Candidate, Capture, Case, DnsResult, Listing, Reference, Signal, Verdict
from mirrorhunt.review.rights import ROLES
from mirrorhunt.store import Store
from mirrorhunt.store.accounts import Accounts
from mirrorhunt.web.server import web_thread
from mirrorhunt.web.site import site_app

CASE = "salon"
MIRROR = "salon-mirror.example"
LISTED = "listed.example"
PASSWORD = "a long enough password"
REFERENCE = (
    "<html><head><title>Salon Lumière</title></head><body><h1>Salon Lumière</h1>"
    "<p>Films et séries en streaming, sans inscription.</p><p>Contact : equipe@salon-lumiere.fr</p>"
    "<ul><li>Nouveautés</li><li>Séries</li></ul></body></html>"
)
MIRROR_PAGE = REFERENCE.replace("sans inscription", "toujours sans inscription").encode()


@dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def json(self) -> object:
        return json.loads(self.body)


@dataclass(slots=True, kw_only=True)
class Desk:
    """The served app, its store, and one API token per role."""

    url: str
    store: Store
    tokens: dict[str, str] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        *,
        token: str | None = None,
        cookie: str | None = None,
        form: Mapping[str, str] | None = None,
        body: object = None,
    ) -> Answer:
        """One request, no redirect followed."""
        parts = urlsplit(self.url)
        headers: dict[str, str] = {}
        payload: bytes | None = None
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if cookie is not None:
            headers["Cookie"] = cookie
        if form is not None:
            payload = urlencode(form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            payload = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        try:
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            return Answer(
                status=response.status,
                headers={k.lower(): v for k, v in response.getheaders()},
                body=response.read(),
            )
        finally:
            connection.close()

    def log_in(self, name: str, password: str = PASSWORD) -> str:
        """The session cookie (``name=value``) of a successful login."""
        answer = self.request("POST", "/login", form={"name": name, "password": password, "next": "/queue"})
        assert answer.status == 303, answer.text
        return answer.headers["set-cookie"].split(";", 1)[0]


def seed(store: Store) -> None:
    """A four-eyes case, its reference, a captured mirror waiting for review, and a machine listing."""
    now = datetime.now(UTC)
    store.add_case(
        Case(name=CASE, url="https://salon-lumiere.fr/", four_eyes=True, created_at=now - timedelta(days=2)),
        references=[
            Reference(
                case=CASE, url="https://salon-lumiere.fr/", html=REFERENCE, source="live", captured_at=now
            )
        ],
    )
    store.add_candidate(Candidate(case=CASE, name=MIRROR, source="tip", found_at=now - timedelta(hours=3)))
    capture = Capture(
        name=MIRROR,
        dns=DnsResult(name=MIRROR, outcome="resolves", addresses=("127.0.0.1",)),
        url=f"https://{MIRROR}/",
        status=200,
        headers=(("content-type", "text/html; charset=utf-8"),),
        body=MIRROR_PAGE,
        started_at=now - timedelta(hours=1),
    )
    capture_id = store.add_capture(CASE, capture)
    signals = (Signal(name="text", kind="content", value=0.91, explanation="91% of the text is shared"),)
    verdict = Verdict(label="mirror", score=0.91, signals=signals, decided_by="matcher/1")
    store.add_verdict(CASE, MIRROR, verdict, capture_id=capture_id)
    store.add_candidate(Candidate(case=CASE, name=LISTED, source="ct", found_at=now - timedelta(days=1)))
    store.add_listing(
        Listing(
            name=LISTED, case=CASE, reason="mirror", decided_by="matcher/1", since=now - timedelta(hours=2)
        )
    )


@contextmanager
def serving(tmp_path: Path) -> Iterator[Desk]:
    """The app on 127.0.0.1 (any free port) over an SQLite store, with one account of each role."""
    key = tmp_path / "audit.key"
    generate_audit_key(key, public_path=tmp_path / "audit.vkey", name="rpz.mirrorhunt/audit")
    settings = Settings.model_validate(
        {"database_url": f"sqlite:///{tmp_path / 'web.db'}", "audit": {"key": str(key)}}
    )
    with Store.open(settings.database_url) as store:
        seed(store)
        AuditLog(store, key=configured_signer(settings)).sync()
        accounts = Accounts(store, clock=SystemClock())
        tokens: dict[str, str] = {
            role: accounts.add_user(name=role, role=role, password=PASSWORD, by="test")[1] for role in ROLES
        }
        with web_thread(site_app(store=store, settings=settings)) as url:
            yield Desk(url=url, store=store, tokens=tokens)
