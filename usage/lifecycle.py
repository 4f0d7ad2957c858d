"""Flush the usage buffer whenever a process stops gracefully.

- every process: `atexit` (normal interpreter exit, SystemExit, Ctrl-C);
- processes whose SIGTERM nobody handles (management commands, scripts): SIGTERM becomes a
  normal exit, so atexit runs instead of the default instant kill;
- Celery: `worker_process_shutdown` (prefork children leave through os._exit, skipping atexit)
  and `worker_shutdown`;
- uvicorn: it owns SIGTERM/SIGINT and, after its graceful shutdown, re-raises the signal with
  the default handler, which kills the process without atexit. Two defences: the ASGI app
  wrapped in `usage.asgi.UsageLifespan` (lifespan shutdown runs after the last request and
  flushes; needs `--lifespan on`), and, when the app is loaded inside uvicorn's signal capture,
  a wrapper around uvicorn's handler that stops that re-raise, so the process exits normally
  and atexit flushes.
"""

import atexit
import contextlib
import logging
import signal
import threading

logger = logging.getLogger("guardflow.usage")
_installed = False


def _flush_at_exit() -> None:
    from usage.services import usage_flush

    try:
        usage_flush(timeout=10)
    except Exception:  # exit must go on; the failure is logged with the reason
        logger.exception("usage: flush at exit failed")


def _sigterm_to_exit(signum: int, frame: object) -> None:
    raise SystemExit(128 + signum)


def install_exit_hooks() -> None:
    global _installed
    if _installed:
        return
    _installed = True
    atexit.register(_flush_at_exit)
    if threading.current_thread() is threading.main_thread():
        _install_signal_handlers()
    _connect_celery()


def _install_signal_handlers() -> None:
    current = signal.getsignal(signal.SIGTERM)
    if current is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _sigterm_to_exit)
    elif _is_uvicorn_handler(current):
        for signum in (signal.SIGTERM, signal.SIGINT):
            if _is_uvicorn_handler(signal.getsignal(signum)):
                signal.signal(signum, _exit_normally_after(signal.getsignal(signum)))


def _is_uvicorn_handler(handler: object) -> bool:
    server = getattr(handler, "__self__", None)
    return type(server).__module__.startswith("uvicorn") and isinstance(
        getattr(server, "_captured_signals", None), list
    )


def _exit_normally_after(uvicorn_handler):
    server = uvicorn_handler.__self__

    def handler(signum: int, frame: object) -> None:
        uvicorn_handler(signum, frame)  # graceful shutdown, exactly as uvicorn does it
        # ...but without the instant kill afterwards, so the process exits and atexit flushes.
        with contextlib.suppress(ValueError):
            server._captured_signals.remove(signum)

    return handler


def _connect_celery() -> None:
    try:
        from celery.signals import worker_process_shutdown, worker_shutdown
    except ImportError:  # pragma: no cover - celery is a runtime dependency
        return
    worker_process_shutdown.connect(lambda **_: _flush_at_exit(), weak=False)
    worker_shutdown.connect(lambda **_: _flush_at_exit(), weak=False)
