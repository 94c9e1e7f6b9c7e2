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

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        from bench.results import percentile

        return percentile(self.latencies, p) * 1000


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
