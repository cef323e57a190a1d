"""A keep-alive HTTP/1.1 load client for when `wrk` is missing: N connections, each sending its
next GET as soon as the previous answer is read whole, for a fixed time.

One asyncio event loop drives every connection through a bare `asyncio.Protocol` (no streams, no
coroutine per request), so the client costs little next to the server it measures; it shares
the machine's cores with that server like `wrk -t2` would. Answers must carry a Content-Length
(uvicorn's always do for these endpoints).

    python bench/loadgen.py http://127.0.0.1:8080/path -H 'X-Auth-Token: t' -c 8 -d 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit


class _Connection(asyncio.Protocol):
    """One keep-alive connection: sends the request, parses the answer, sends it again."""

    def __init__(self, request: bytes, stop_at: float, latencies: list, statuses: dict, done: asyncio.Future):
        self.request, self.stop_at, self.done = request, stop_at, done
        self.latencies, self.statuses = latencies, statuses  # shared by every connection
        self.buffer = b""
        self.body_left = None  # bytes of the current answer's body still to come; None: in the head
        self.status = 0

    def connection_made(self, transport):
        self.transport = transport
        self._send()

    def _send(self):
        self.sent_at = time.perf_counter()
        self.transport.write(self.request)

    def data_received(self, data: bytes):
        self.buffer += data
        while True:
            if self.body_left is None:
                end = self.buffer.find(b"\r\n\r\n")
                if end < 0:
                    return
                head, self.buffer = self.buffer[:end], self.buffer[end + 4:]
                self.status = int(head[9:12])
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    if line[:15].lower() == b"content-length:":
                        length = int(line[15:])
                self.body_left = length
            if len(self.buffer) < self.body_left:
                return
            self.buffer = self.buffer[self.body_left:]
            self.body_left = None
            now = time.perf_counter()
            self.latencies.append(now - self.sent_at)
            self.statuses[self.status] = self.statuses.get(self.status, 0) + 1
            if time.monotonic() >= self.stop_at:
                self.transport.close()
                return
            self._send()

    def connection_lost(self, exc):
        if not self.done.done():
            self.done.set_result(exc)


async def _run(url: str, headers: dict, connections: int, duration: float) -> dict:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"GET {target} HTTP/1.1", f"Host: {parts.netloc}"] + [f"{k}: {v}" for k, v in headers.items()]
    request = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    loop = asyncio.get_running_loop()
    latencies, statuses = [], {}
    stop_at = time.monotonic() + duration
    done = [loop.create_future() for _ in range(connections)]
    t0 = time.perf_counter()
    for future in done:
        await loop.create_connection(lambda f=future: _Connection(request, stop_at, latencies, statuses, f),
                                     parts.hostname, parts.port)
    await asyncio.gather(*done)
    elapsed = time.perf_counter() - t0
    latencies.sort()
    count = len(latencies)
    return {"tool": f"python asyncio client x{connections}", "rps": count / elapsed, "requests": count,
            "p50_ms": latencies[count // 2] * 1000 if count else None,
            "p99_ms": latencies[int(count * 0.99)] * 1000 if count else None,
            "errors": sum(n for status, n in statuses.items() if not 200 <= status < 400)}


def load(url: str, headers: dict, connections: int = 8, duration: float = 10) -> dict:
    """Requests per second, p50/p99 latency (ms) and non-2xx/3xx answers of `duration` seconds of
    GETs of `url` from `connections` keep-alive connections."""
    return asyncio.run(_run(url, headers, connections, duration))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("-H", "--header", action="append", default=[])
    parser.add_argument("-c", "--connections", type=int, default=8)
    parser.add_argument("-d", "--duration", type=float, default=10)
    args = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in args.header)
    print(json.dumps(load(args.url, headers, args.connections, args.duration), indent=2))


if __name__ == "__main__":
    main()
