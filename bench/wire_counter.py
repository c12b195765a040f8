"""A TCP proxy in front of PostgreSQL that counts the statements clients send, by kind.

It reads the client side of the wire protocol (version 3): simple queries ('Q') and the
extended protocol's Parse / Bind / Execute ('P', 'B', 'E'). Connections must not use TLS
(asyncpg: `ssl=disable`), or there is nothing to read.
"""

import asyncio
import struct
import threading
from collections import Counter

SSL_REQUEST, GSSENC_REQUEST = 80877103, 80877104
TRANSACTION = ("BEGIN", "START", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE")


def kind_of(sql: str) -> str:
    text = sql.strip().rstrip(";").strip().upper()
    if text in {"", "SELECT 1"}:
        return "ping"
    if text.startswith(TRANSACTION):
        return "transaction"
    if "RESET ALL" in text:
        return "pool reset"  # asyncpg's pool, when a connection goes back
    return "data"


class _ClientStream:
    """Parses what one client sends, adding each executed statement's kind to `counts`."""

    def __init__(self, counts: Counter[str]) -> None:
        self.counts = counts
        self.buffer = b""
        self.started = False
        self.prepared: dict[bytes, str] = {}  # statement name -> SQL
        self.portals: dict[bytes, str] = {}  # portal name -> SQL

    def feed(self, data: bytes) -> None:
        self.buffer += data
        while True:
            if not self.started:
                if len(self.buffer) < 8:
                    return
                (length, code) = struct.unpack("!II", self.buffer[:8])
                if len(self.buffer) < length:
                    return
                self.buffer = self.buffer[length:]
                self.started = code not in {SSL_REQUEST, GSSENC_REQUEST}
                continue
            if len(self.buffer) < 5:
                return
            kind, length = self.buffer[:1], struct.unpack("!I", self.buffer[1:5])[0]
            if len(self.buffer) < 1 + length:
                return
            body, self.buffer = self.buffer[5 : 1 + length], self.buffer[1 + length :]
            self._message(kind, body)

    def _message(self, kind: bytes, body: bytes) -> None:
        if kind == b"Q":
            self.counts[kind_of(body.split(b"\0")[0].decode())] += 1
        elif kind == b"P":
            name, sql = body.split(b"\0")[:2]
            self.prepared[name] = sql.decode()
        elif kind == b"B":
            portal, statement = body.split(b"\0")[:2]
            self.portals[portal] = self.prepared.get(statement, "?")
        elif kind == b"E":
            portal = body.split(b"\0")[0]
            self.counts[kind_of(self.portals.get(portal, "?"))] += 1


class StatementCounter:
    """Listens on 127.0.0.1 (`port` tells where) in a thread of its own and forwards to the target."""

    def __init__(self, target: tuple[str, int]) -> None:
        self.port, self.target = 0, target
        self.counts: Counter[str] = Counter()
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()
        self._ready.wait(10)

    def reset(self) -> None:
        self.counts.clear()

    def close(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)  # the thread is a daemon; the socket goes with the process

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(asyncio.start_server(self._accept, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        self._loop.run_forever()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        server_reader, server_writer = await asyncio.open_connection(*self.target)
        stream = _ClientStream(self.counts)
        await asyncio.gather(
            self._pump(client_reader, server_writer, stream),
            self._pump(server_reader, client_writer, None),
            return_exceptions=True,
        )

    async def _pump(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, stream: _ClientStream | None
    ) -> None:
        try:
            while data := await reader.read(65536):
                if stream is not None:
                    stream.feed(data)
                writer.write(data)
                await writer.drain()
        finally:
            writer.close()
