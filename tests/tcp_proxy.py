"""A TCP proxy in front of PostgreSQL that a test can take down, the way a database host goes away."""

import asyncio
import contextlib

from served import free_port


class TcpProxy:
    """Forwards 127.0.0.1:`port` to the target while up.

    - down (not started, or `stop()`ed): new connections are refused and open ones are cut,
      as when the server restarts;
    - frozen: connections are accepted and kept, but nothing passes either way, as when
      the network drops packets without telling anyone;
    - `forget()`: the open connections end at the next packet either side sends, as when a
      NAT or firewall has dropped them while idle; new connections pass.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = free_port()
        self.frozen = False
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._forgotten: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)

    def forget(self) -> None:
        self._forgotten |= self._pipes

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._pipes.add(task)
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
            try:
                await asyncio.gather(
                    self._pump(client_reader, server_writer, task),
                    self._pump(server_reader, client_writer, task),
                )
            finally:
                server_writer.close()
        except (OSError, asyncio.CancelledError):
            pass
        finally:
            client_writer.close()
            self._pipes.discard(task)

    async def _pump(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pipe: asyncio.Task[None]) -> None:
        while data := await reader.read(65536):
            if pipe in self._forgotten:
                raise ConnectionResetError  # _accept closes both sides
            while self.frozen:
                await asyncio.sleep(0.05)
            writer.write(data)
            with contextlib.suppress(ConnectionError):
                await writer.drain()
        writer.close()  # one side hung up: let the other side see it
