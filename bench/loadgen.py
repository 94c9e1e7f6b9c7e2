"""A small HTTP/1.1 keep-alive load generator (asyncio, no dependencies): N connections each send
GET requests back to back for a fixed time; we count answers and keep every latency."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class Result:
    requests: int = 0
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)
    seconds: float = 0.0
    cpu_seconds: float | None = None  # what the server spent meanwhile, when the caller measured it

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        from bench.results import percentile

        return percentile(self.latencies, p) * 1000

    @classmethod
    def combined(cls, results: list[Result]) -> Result:
        """Several runs of one view taken as one: their requests over their summed time."""
        total = cls()
        for r in results:
            total.requests += r.requests
            total.errors += r.errors
            for status, n in r.statuses.items():
                total.statuses[status] = total.statuses.get(status, 0) + n
            total.latencies += r.latencies
            total.seconds += r.seconds
        spent = [r.cpu_seconds for r in results]
        total.cpu_seconds = None if None in spent else sum(spent)
        return total


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = 0
    chunked = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.lower() == "content-length":
            length = int(value)
        elif name.lower() == "transfer-encoding" and "chunked" in value.lower():
            chunked = True
    if chunked:
        while True:
            size = int((await reader.readuntil(b"\r\n")).strip(), 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length:
        await reader.readexactly(length)
    return status


async def _client(host: str, port: int, request: bytes, deadline: float, result: Result) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline:
            start = time.perf_counter()
            writer.write(request)
            try:
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            result.latencies.append(time.perf_counter() - start)
            result.requests += 1
            result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


def run(
    host: str,
    port: int,
    path: str,
    *,
    seconds: float,
    connections: int,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    body: bytes = b"",
) -> Result:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode() + body
    result = Result()

    async def main():
        deadline = time.perf_counter() + seconds
        start = time.perf_counter()
        await asyncio.gather(*(_client(host, port, request, deadline, result) for _ in range(connections)))
        result.seconds = time.perf_counter() - start

    asyncio.run(main())
    return result


@dataclass
class Shot:
    status: int
    body: bytes
    latency: float  # from the moment the request was due, so a slow server cannot hide queueing
    done_at: float
    waited: float = 0.0  # of the latency, the wait for a free connection before it was sent


async def _read_full(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    length = next(
        (int(v) for n, _, v in (ln.partition(":") for ln in lines[1:]) if n.lower() == "content-length"), 0
    )
    return status, (await reader.readexactly(length)) if length else b""


def burst(
    host: str, port: int, requests: list[bytes], *, start: float, spread: float, connections: int
) -> list[Shot]:
    """Open loop: request i is due at `start + i * spread / n` (perf_counter time) whatever the
    server's pace. Each of `connections` keep-alive connections, when free, takes the next
    request in order and sends it when due, so requests go first due, first sent, and one
    waits for a connection only while all are busy (its latency counts that wait).

    Not one task per request sharing a pool of connections through an asyncio.Queue: that
    queue is not fair (a woken getter can lose the connection to a newcomer and queue again at
    the back), so under load a request due early waited up to a second while later ones went
    ahead, which measured the load generator; and 3,000 tasks with a timer each cost this
    process CPU that the server on the same cores then lacked."""
    shots: list[Shot | None] = [None] * len(requests)
    upcoming = iter(range(len(requests)))

    async def connection() -> None:
        reader, writer = await asyncio.open_connection(host, port)
        for i in upcoming:
            due = start + i * spread / len(requests)
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            sent = time.perf_counter()
            try:
                writer.write(requests[i])
                status, body = await _read_full(reader)
            except (asyncio.IncompleteReadError, ConnectionError):
                status, body = 0, b""
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
            now = time.perf_counter()
            shots[i] = Shot(status, body, now - due, now, max(0.0, sent - due))
        writer.close()

    async def main() -> None:
        await asyncio.gather(*(connection() for _ in range(connections)))

    asyncio.run(main())
    return shots


def request_bytes(host: str, port: int, path: str, *, method="GET", headers=None, body: bytes = b"") -> bytes:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: keep-alive"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body
