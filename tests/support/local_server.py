"""Serving a fake platform on 127.0.0.1, on a port the OS picks."""

from __future__ import annotations

import socket
from typing import Self

from aiohttp import web

HOST = "127.0.0.1"


async def serve_local(app: web.Application) -> tuple[web.AppRunner, int]:
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind((HOST, 0))
    port = sock.getsockname()[1]
    await web.SockSite(runner, sock).start()
    return runner, port


class LocalServer:
    """A fake served on 127.0.0.1 that is also an async context manager (start, then stop)."""

    async def start(self) -> None:
        raise NotImplementedError

    async def stop(self) -> None:
        raise NotImplementedError

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *_exc: object) -> None:
        await self.stop()
