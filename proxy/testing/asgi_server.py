"""Serve an ASGI app from a background thread on a free loopback port (tests, benchmarks)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time

import uvicorn


class ThreadedASGIServer:
    """uvicorn in a daemon thread. `with ThreadedASGIServer(app) as server: server.base_url`."""

    def __init__(
        self,
        app,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        lifespan: str = "off",
        keep_alive_seconds: float = 5,
    ) -> None:
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        config = uvicorn.Config(
            app,
            http="httptools",
            lifespan=lifespan,
            log_level="critical",
            access_log=False,
            timeout_graceful_shutdown=1,
            timeout_keep_alive=keep_alive_seconds,
        )
        self._server = uvicorn.Server(config)
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> ThreadedASGIServer:
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("ASGI test server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        with contextlib.suppress(OSError):
            self._socket.close()

    def __enter__(self) -> ThreadedASGIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()
