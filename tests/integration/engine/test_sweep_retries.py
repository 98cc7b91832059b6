"""A sweep asks again for names whose lookups failed: a resolver that drops queries loses no mirror."""

from __future__ import annotations

import socket
import threading
from collections import Counter
from collections.abc import Iterator

import dns.message
import dns.rdatatype
import dns.rrset
import pytest

from mirrorhunt.config import Settings
from mirrorhunt.engine.executor import shipped
from mirrorhunt.engine.probe_list import NamesPartition
from mirrorhunt.engine.sweep import RETRIES, sweep_partition

DROPPED = 3
"""Queries about each name the server leaves unanswered before it answers: more than the resolver's own
attempts, so only the sweep's retry can get the answer."""


class DroppingServer:
    """A UDP name server on loopback answering 127.0.0.1 for any name, after dropping its first queries."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.asked: Counter[str] = Counter()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                wire, client = self.sock.recvfrom(4096)
            except TimeoutError:
                continue
            query = dns.message.from_wire(wire)
            question = query.question[0]
            name = question.name.to_text(omit_final_dot=True)
            self.asked[name] += 1
            if self.asked[name] <= DROPPED:
                continue
            reply = dns.message.make_response(query)
            if question.rdtype == dns.rdatatype.A:
                reply.answer.append(dns.rrset.from_text(question.name, 60, "IN", "A", "127.0.0.1"))
            self.sock.sendto(reply.to_wire(), client)

    def close(self) -> None:
        self._stop.set()
        self._thread.join()
        self.sock.close()


@pytest.fixture
def server() -> Iterator[DroppingServer]:
    running = DroppingServer()
    yield running
    running.close()


async def test_names_whose_lookups_failed_are_asked_again(server: DroppingServer) -> None:
    settings = Settings.model_validate(
        {
            "resolvers": [f"127.0.0.1:{server.port}"],
            "allow_private_addresses": True,
            "probe": {"timeout": 0.4, "connect_timeout": 0.2},
        }
    )
    names = ("salon-lumiere.gg", "salon-lumiere.to")
    swept = await sweep_partition(NamesPartition(settings=shipped(settings), names=names, concurrency=4))
    assert swept.checked == 2
    assert sorted(swept.resolving) == sorted(names)
    assert RETRIES >= 1 and all(server.asked[name] > DROPPED for name in names)
