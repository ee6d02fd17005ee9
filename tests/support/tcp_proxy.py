"""A TCP proxy on 127.0.0.1 in front of a server, which a test cuts and restores.

    async with TcpProxy("127.0.0.1", 5432) as proxy:   # proxy.port: point the client here
        proxy.sever()                      # every open connection dies (a network blip)
        proxy.cut()                        # ... and new ones are dropped at once (server down)
        proxy.cut_before(b"COMMIT")        # cut when the client next sends this (mid-transaction)
        proxy.restore()                    # connections are accepted and forwarded again

Connections are forwarded byte for byte; the proxy understands nothing of the protocol except
the marker search of `cut_before`, over each chunk the client sends.
"""

from __future__ import annotations

import asyncio
import contextlib
from types import TracebackType

CHUNK = 65536


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = 0
        self.accepted = 0
        self._server: asyncio.Server | None = None
        self._cut = False
        self._marker: bytes | None = None
        self._links: set[tuple[asyncio.StreamWriter, asyncio.StreamWriter]] = set()
        self._tasks: set[asyncio.Task[None]] = set()

    async def __aenter__(self) -> TcpProxy:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        tb: TracebackType | None) -> None:
        assert self._server is not None
        self._server.close()
        self.sever()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        await self._server.wait_closed()

    @property
    def is_cut(self) -> bool:
        return self._cut

    def sever(self) -> None:
        """Close every open connection, both ways; new ones are still forwarded."""
        for client, server in list(self._links):
            _close(client)
            _close(server)
        self._links.clear()

    def cut(self) -> None:
        """Sever, and drop new connections as soon as they arrive, until restore()."""
        self._cut = True
        self.sever()

    def cut_before(self, marker: bytes) -> None:
        """Cut the moment a client sends `marker`, before it reaches the server."""
        self._marker = marker

    def restore(self) -> None:
        self._cut = False
        self._marker = None

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.accepted += 1
        if self._cut:
            _close(writer)
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            _close(writer)
            return
        link = (writer, up_writer)
        self._links.add(link)
        pumps = [asyncio.ensure_future(self._pump(reader, up_writer, upstream=True)),
                 asyncio.ensure_future(self._pump(up_reader, writer, upstream=False))]
        self._tasks.update(pumps)
        try:
            await asyncio.wait(pumps, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pump in pumps:
                pump.cancel()
            await asyncio.gather(*pumps, return_exceptions=True)
            self._tasks.difference_update(pumps)
            self._links.discard(link)
            _close(writer)
            _close(up_writer)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    upstream: bool) -> None:
        with contextlib.suppress(OSError):
            while chunk := await reader.read(CHUNK):
                if upstream and self._marker is not None and self._marker in chunk:
                    self.cut()
                    return
                writer.write(chunk)
                await writer.drain()


def _close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError, RuntimeError):
        transport = writer.transport
        # abort(): a reset, not a polite close; what a dead network or a killed backend gives.
        transport.abort()
