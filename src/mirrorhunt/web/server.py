"""Serving an ASGI app with uvicorn (the desk on ``[web] listen``, the stop page on ``[stoppage] listen``):
inside a running event loop (``mirrorhunt serve``) or in a thread of its own (``mirrorhunt demo --keep``,
tests); over HTTPS when given a certificate and its key."""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType

import uvicorn
from fastapi import FastAPI

from mirrorhunt.errors import ConfigError
from mirrorhunt.publish.primary import host_port


def bind(listen: str, *, setting: str = "web.listen", default_port: int = 8000) -> socket.socket:
    """A listening TCP socket on ``host:port`` (port 0: any free one), or a ``ConfigError`` naming
    ``setting`` and saying why not."""
    host, port = host_port(listen, default_port=default_port, setting=setting)
    host = host.strip("[]")
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise ConfigError(
            f"cannot listen on {host} port {port}: {exc.strerror or exc}", hint=f"choose another {setting}"
        ) from exc
    return sock


class WebServer:
    """``async with WebServer(app, listen=…) as server``: serving ``server.url`` until the block ends.

    With ``certificate`` and ``key`` (PEM files, both or neither) it serves HTTPS; ``setting`` names the
    setting that chose the address, in errors; ``default_port`` is for an address without one (8000, or
    443 with a certificate).
    """

    def __init__(
        self,
        app: FastAPI,
        *,
        listen: str,
        setting: str = "web.listen",
        certificate: str | None = None,
        key: str | None = None,
        default_port: int | None = None,
    ) -> None:
        section = setting.rpartition(".")[0] or setting
        if (certificate is None) != (key is None):
            raise ConfigError(
                f"{section}.certificate and {section}.key go together", hint="set both for HTTPS, or neither"
            )
        self._app = app
        self._listen = listen
        self._setting = setting
        self._certificate = certificate
        self._key = key
        self._default_port = default_port or (443 if certificate is not None else 8000)
        self._server: uvicorn.Server | None = None
        self._task: asyncio.Task[None] | None = None
        self.url = ""

    async def __aenter__(self) -> WebServer:
        tls = self._certificate is not None
        config = uvicorn.Config(
            self._app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ssl_certfile=self._certificate,
            ssl_keyfile=self._key,
        )
        try:
            config.load()
        except (OSError, ssl.SSLError) as exc:
            section = self._setting.rpartition(".")[0]
            raise ConfigError(
                f"cannot use {section}.certificate {self._certificate} and key {self._key}: {exc}",
                hint="give PEM files the server can read",
            ) from exc
        sock = bind(self._listen, setting=self._setting, default_port=self._default_port)
        host, port = sock.getsockname()[:2]
        scheme = "https" if tls else "http"
        shown = f"[{host}]" if sock.family == socket.AF_INET6 else host
        self.url = f"{scheme}://{shown}:{port}"
        self._server = server = uvicorn.Server(config)
        self._task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started:
            if self._task.done():
                self._task.result()
                raise ConfigError(f"nothing started on {self.url} ({self._setting})")
            await asyncio.sleep(0.01)
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._server is not None and self._task is not None:
            self._server.should_exit = True
            await self._task


@contextmanager
def web_thread(app: FastAPI, *, listen: str = "127.0.0.1:0") -> Iterator[str]:
    """Serve ``app`` from a thread of its own until the block ends; yields the base URL."""
    stop = threading.Event()
    started = threading.Event()
    outcome: list[str | BaseException] = []

    async def run() -> None:
        try:
            async with WebServer(app, listen=listen) as server:
                outcome.append(server.url)
                started.set()
                await asyncio.to_thread(stop.wait)
        except BaseException as exc:  # reported to the caller's thread
            outcome.append(exc)
            started.set()

    thread = threading.Thread(target=asyncio.run, args=(run(),), name="mirrorhunt-web", daemon=True)
    thread.start()
    started.wait()
    if isinstance(outcome[0], BaseException):
        thread.join()
        raise outcome[0]
    try:
        yield outcome[0]
    finally:
        stop.set()
        thread.join()
