"""Test support shared by the apps' tests (not imported by the application)."""


def asgi_http_scope(path: str, *, method: str = "POST", headers: list[tuple[bytes, bytes]] = ()) -> dict:
    """An ASGI HTTP scope as uvicorn would build it, for tests that drive the ASGI app directly."""
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"testserver"), *headers],
        "client": ("127.0.0.1", 40000),
        "server": ("testserver", 80),
    }
