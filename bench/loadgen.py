"""A small, fast HTTP/1.1 load generator (raw asyncio streams, keep-alive, uvloop when present).

Written for the gateway benchmark: httpx/aiohttp clients cost more CPU per request than the
gateway hop we want to measure, which would make the load generator the bottleneck on a
2-core machine. It speaks just enough HTTP/1.1: Content-Length and chunked bodies.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Sample:
    status: int
    total_ms: float
    first_byte_ms: float  # time to the first body byte (first SSE chunk for streams)


@dataclass
class RunResult:
    samples: list[Sample] = field(default_factory=list)
    elapsed_s: float = 0.0
    errors: int = 0

    def latencies(self) -> list[float]:
        return [s.total_ms for s in self.samples]

    def first_bytes(self) -> list[float]:
        return [s.first_byte_ms for s in self.samples]

    @property
    def ok(self) -> int:
        return sum(1 for s in self.samples if s.status == 200)

    @property
    def rps(self) -> float:
        return len(self.samples) / self.elapsed_s if self.elapsed_s else 0.0


def percentile(values: list[float], pct: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * (len(ordered) - 1))))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")


def build_request(url: str, body: bytes, headers: dict[str, str]) -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    lines = [
        f"POST {parts.path} HTTP/1.1",
        f"Host: {parts.hostname}:{parts.port}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        "Connection: keep-alive",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    return parts.hostname, parts.port, ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader, started: float) -> Sample:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    lower = head.lower()
    first_byte = None
    if b"transfer-encoding: chunked" in lower:
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")
                break
            await reader.readexactly(size + 2)
            if first_byte is None:
                first_byte = time.perf_counter()
    else:
        length = 0
        for line in lower.split(b"\r\n"):
            if line.startswith(b"content-length:"):
                length = int(line.split(b":", 1)[1])
        if length:
            await reader.readexactly(length)
        first_byte = time.perf_counter()
    end = time.perf_counter()
    return Sample(
        status=status, total_ms=(end - started) * 1000, first_byte_ms=((first_byte or end) - started) * 1000
    )


async def _worker(
    host: str, port: int, payload: bytes, deadline: float, budget: list[int], result: RunResult
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.perf_counter() < deadline and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter()
            writer.write(payload)
            try:
                result.samples.append(await _read_response(reader, started))
            except (asyncio.IncompleteReadError, ConnectionError):
                result.errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
    finally:
        writer.close()


async def run(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    connections: int,
    requests: int,
    max_seconds: float = 60.0,
) -> RunResult:
    """`requests` requests over `connections` keep-alive connections (or until max_seconds)."""
    host, port, payload = build_request(url, body, headers)
    result = RunResult()
    budget = [requests]
    started = time.perf_counter()
    deadline = started + max_seconds
    await asyncio.gather(
        *(_worker(host, port, payload, deadline, budget, result) for _ in range(connections))
    )
    result.elapsed_s = time.perf_counter() - started
    return result


def run_sync(*args, **kwargs) -> RunResult:
    try:
        import uvloop

        return uvloop.run(run(*args, **kwargs))
    except ImportError:
        return asyncio.run(run(*args, **kwargs))
