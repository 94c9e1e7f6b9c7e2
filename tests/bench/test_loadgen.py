"""The burst's load generator sends requests first due, first sent: a request due early must not
wait behind later ones, or the burst's latencies measure the load generator, not the server."""

import asyncio
import threading
import time

from bench import loadgen


def _slow_server(arrivals: list[bytes], ready: threading.Event, port: list[int]) -> None:
    """Answers each request after 20 ms, noting the order in which requests arrived."""

    async def serve(reader, writer):
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                arrivals.append(head.split(b"\r\n")[0])
                await asyncio.sleep(0.02)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main():
        server = await asyncio.start_server(serve, "127.0.0.1", 0)
        port.append(server.sockets[0].getsockname()[1])
        ready.set()
        await asyncio.sleep(3)
        server.close()

    asyncio.run(main())


def test_requests_go_out_in_the_order_they_are_due_however_few_the_connections():
    arrivals, ready, port = [], threading.Event(), []
    thread = threading.Thread(target=_slow_server, args=(arrivals, ready, port), daemon=True)
    thread.start()
    ready.wait(5)
    n = 80
    requests = [loadgen.request_bytes("127.0.0.1", port[0], f"/{i}") for i in range(n)]
    # Due at 400 a second, served at 150 a second (3 connections, 20 ms each): a backlog grows
    # while new requests keep falling due.
    shots = []  # in a thread of its own: a browser test may have left this thread's loop running
    burst = threading.Thread(
        target=lambda: shots.extend(
            loadgen.burst(
                "127.0.0.1", port[0], requests, start=time.perf_counter() + 0.05, spread=0.2, connections=3
            )
        )
    )
    burst.start()
    burst.join(10)
    assert [line.split()[1] for line in arrivals] == [f"/{i}".encode() for i in range(n)]
    assert all(s.status == 200 for s in shots)
    # Latency counts the wait for a free connection, so it grows along the backlog; the wait
    # itself is kept apart, and what is left is at least the server's 20 ms.
    assert shots[-1].latency > 0.2 > shots[0].latency
    assert shots[-1].waited > 0.15 > shots[0].waited
    assert all(s.latency - s.waited >= 0.019 for s in shots)
