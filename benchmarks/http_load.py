"""A small HTTP/1.1 load generator for the serving benchmarks: keep-alive connections on one
event loop, a few microseconds of client work per request (httpx costs about half a millisecond,
which on two shared cores would flatten the differences being measured).

Loopback only: every request goes to 127.0.0.0/8, and every run is bounded in requests and time.
"""

from __future__ import annotations

import asyncio
import ipaddress
import time
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlencode


@dataclass
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    seconds: float = 0.0
    bytes: int = 0

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _check_loopback(host: str) -> None:
    if not ipaddress.ip_address(host).is_loopback:
        raise ValueError(f"{host}: the benchmarks send traffic to loopback addresses only")


class Connection:
    """One keep-alive HTTP/1.1 connection (optionally from a given local loopback address)."""

    def __init__(self, host: str, port: int, local_address: str | None = None):
        _check_loopback(host)
        self.host, self.port, self.local = host, port, local_address
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        local = (self.local, 0) if self.local else None
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port, local_addr=local)

    async def post_query(self, query: str, accept: str, path: str = "/sparql") -> tuple[int, bytes]:
        if self.writer is None:
            await self.open()
        assert self.reader is not None and self.writer is not None
        body = urlencode({"query": query}).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nAccept: {accept}\r\n"
            f"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {len(body)}\r\n\r\n"
        )
        self.writer.write(head.encode() + body)
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionError("closed by the server")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding" and "chunked" in value.lower():
                chunked = True
            elif name == "connection" and value.lower() == "close":
                close = True
        if chunked:
            parts = []
            while (size := int((await self.reader.readline()).split(b";")[0], 16)) > 0:
                parts.append(await self.reader.readexactly(size))
                await self.reader.readline()
            await self.reader.readline()
            content = b"".join(parts)
        elif length is not None:
            content = await self.reader.readexactly(length)
        else:
            content = await self.reader.read()
            close = True
        if close:
            self.close()
        return status, content

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


async def run_clients(
    host: str,
    port: int,
    query: str,
    accept: str,
    clients: int,
    seconds: float,
    max_requests: int,
    local_address: str | None = None,
    pause: float = 0.0,
) -> LoadResult:
    """``clients`` connections sending ``query`` back to back (or ``pause`` apart) for ``seconds``,
    at most ``max_requests`` each."""
    result = LoadResult()
    started = time.perf_counter()
    deadline = started + seconds

    async def client() -> None:
        connection = Connection(host, port, local_address)
        try:
            for _ in range(max_requests):
                if time.perf_counter() >= deadline:
                    return
                sent = time.perf_counter()
                try:
                    status, content = await connection.post_query(query, accept)
                except (ConnectionError, asyncio.IncompleteReadError, OSError):
                    status, content = 0, b""
                    connection.close()
                result.latencies.append(time.perf_counter() - sent)
                result.statuses[status] += 1
                result.bytes += len(content)
                if pause:
                    await asyncio.sleep(pause)
        finally:
            connection.close()

    await asyncio.gather(*(client() for _ in range(clients)))
    result.seconds = time.perf_counter() - started
    return result


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]
