"""Two versions of Guardflow side by side: this checkout against another git revision.

    .venv/bin/python bench/compare_trees.py --base 4632c8e                 # transport: fast, 1 connection
    .venv/bin/python bench/compare_trees.py --base HEAD~3 --deployment sdk --connections 8

Why: this VM's speed moves by up to 2x within minutes (CPU steal, neighbours), so two
`make bench` runs a few minutes apart cannot tell a 10 % change from noise. Here both versions
run at the same time — one uvicorn worker each, in production mode, against the same fake
upstream, PostgreSQL database and Redis — and the load generator alternates between them (and
the upstream called directly) in short rounds, so both sides see the same machine. Besides
latency and throughput it reads each server's CPU time from /proc around its own rounds: CPU
per request is the steadiest figure on a noisy machine. Linux only.

The base revision is checked out as a git worktree under var/bench/base-tree (removed at the
end) and runs on this checkout's .venv and on the database as migrated by this checkout, so
the two revisions must share their requirements and be schema-compatible.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import gateway_bench as gb  # noqa: E402
from bench import loadgen  # noqa: E402

UPSTREAM_PORT, THIS_PORT, BASE_PORT = 9191, 9192, 9193
WORKTREE = ROOT / "var" / "bench" / "base-tree"


def checkout(revision: str) -> None:
    subprocess.run(["git", "worktree", "remove", "--force", str(WORKTREE)], cwd=ROOT, capture_output=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(WORKTREE), revision], cwd=ROOT, check=True)
    (WORKTREE / ".venv").symlink_to(ROOT / ".venv")
    # Some code reads data next to the repository (../shared/eval): give the worktree the same.
    shared = ROOT.parent / "shared"
    if shared.exists() and not (WORKTREE.parent / "shared").exists():
        (WORKTREE.parent / "shared").symlink_to(shared)


def ports_free(ports: tuple[int, ...]) -> None:
    """A server left over from another run would answer in place of ours: refuse to start."""
    for port in ports:
        with socket.socket() as probe:
            # As the servers do: only a listening socket, not closed connections, blocks it.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                sys.exit(f"port {port} is in use (a server from an earlier run?)")


def serve(root: Path, port: int, env: dict[str, str]) -> subprocess.Popen:
    args = [gb.UVICORN, "guardflow_site.asgi:application", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--loop", "uvloop", "--http", "httptools", "--lifespan", "off", "--no-access-log"]
    return subprocess.Popen([*args, "--log-level", "warning"], cwd=root, env=env)


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def compare(key: str, pids: dict[str, int], args: argparse.Namespace) -> dict:
    model = gb.GATEWAY_SIDES[args.deployment][1]
    sides = {
        "direct": (f"http://127.0.0.1:{UPSTREAM_PORT}/v1/chat/completions", "bench-upstream"),
        "base": (f"http://127.0.0.1:{BASE_PORT}/v1/chat/completions", model),
        "this": (f"http://127.0.0.1:{THIS_PORT}/v1/chat/completions", model),
    }
    auth = {"Authorization": f"Bearer {key}"}
    pooled = {side: loadgen.RunResult() for side in sides}
    # Each server's whole CPU time over the comparison, not only during its own rounds: work it
    # finishes after its round (background settles, batched usage writes) still counts for it.
    cpu_before = {side: cpu_seconds(pid) for side, pid in pids.items()}
    for index in range(args.rounds):
        order = ["direct", "base", "this"] if index % 2 == 0 else ["direct", "this", "base"]
        for side in order:
            url, side_model = sides[side]
            payload = gb.body(side_model, args.stream)
            run = loadgen.run_sync(url, payload, auth, connections=args.connections, requests=args.requests)
            pooled[side].samples.extend(run.samples)
            pooled[side].errors += run.errors
            pooled[side].elapsed_s += run.elapsed_s
    time.sleep(1.0)  # let the last round's background work finish
    cpu = {side: cpu_seconds(pid) - cpu_before[side] for side, pid in pids.items()}
    figures = {side: gb.summary(result, first_byte=args.stream) for side, result in pooled.items()}
    failed = {side: f["requests"] - f["ok"] for side, f in figures.items() if f["ok"] != f["requests"]}
    if failed:  # a side that answers errors would look cheap and fast
        sys.exit(f"requests that did not answer 200, per side: {failed}")
    for side in ("base", "this"):
        own = figures[side]
        own["cpu_ms_per_request"] = round(1000 * cpu[side] / len(pooled[side].samples), 3)
        own["added_median_ms"] = round(own["median_ms"] - figures["direct"]["median_ms"], 3)
    this, base = figures["this"], figures["base"]
    figures["this_vs_base"] = {
        "added_median": round(this["added_median_ms"] / base["added_median_ms"], 3),
        "rps": round(this["rps"] / base["rps"], 3),
        "cpu_per_request": round(this["cpu_ms_per_request"] / base["cpu_ms_per_request"], 3),
    }
    return figures


def print_figures(figures: dict, args: argparse.Namespace) -> None:
    metric = "time to first byte" if args.stream else "latency"
    print(f"\n{args.deployment} deployment, {args.connections} connection(s), {metric}, base = {args.base}")
    header = f"{'median ms':>10} {'p99 ms':>9} {'req/s':>9} {'added ms':>9} {'CPU ms/req':>11} {'errors':>7}"
    print(f"{'side':8} {header}")
    for side in ("direct", "base", "this"):
        s = figures[side]
        added = f"{s['added_median_ms']:>9.3f}" if "added_median_ms" in s else f"{'':>9}"
        cpu = f"{s['cpu_ms_per_request']:>11.3f}" if "cpu_ms_per_request" in s else f"{'':>11}"
        measured = f"{s['median_ms']:>10.3f} {s['p99_ms']:>9.3f} {s['rps']:>9.1f}"
        print(f"{side:8} {measured} {added} {cpu} {s['errors']:>7}")
    ratios = figures["this_vs_base"]
    print(
        f"this / base: added median x{ratios['added_median']}, throughput x{ratios['rps']}, "
        f"CPU per request x{ratios['cpu_per_request']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="This checkout against another revision, side by side")
    parser.add_argument("--base", required=True, help="git revision to compare against")
    parser.add_argument("--deployment", choices=("fast", "sdk"), default="fast")
    parser.add_argument("--connections", type=int, default=1)
    parser.add_argument("--requests", type=int, default=200, help="requests per side per round")
    parser.add_argument("--rounds", type=int, default=16)
    parser.add_argument("--stream", action="store_true", help="streamed answers; time to first byte")
    parser.add_argument("--guard", choices=("on", "off"), default="on")
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "bench" / "compare-latest.json")
    args = parser.parse_args()

    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    ports_free((UPSTREAM_PORT, THIS_PORT, BASE_PORT))
    processes: list[subprocess.Popen] = []
    checkout(args.base)
    try:
        env = gb.bench_env(args.guard == "on", UPSTREAM_PORT)
        gb.reset_database()
        gb.flush_redis()
        gb.run_checked([gb.PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        key = gb.run_checked([gb.PYTHON, "-c", gb.SETUP_CODE], env).strip().splitlines()[-1]
        upstream_args = [gb.PYTHON, "-m", "proxy.testing.fake_upstreams", "--port", str(UPSTREAM_PORT)]
        processes.append(gb.start(upstream_args, env))
        servers = {"this": serve(ROOT, THIS_PORT, env), "base": serve(WORKTREE, BASE_PORT, env)}
        processes.extend(servers.values())
        gb.wait_http(f"http://127.0.0.1:{UPSTREAM_PORT}/")
        for port in (THIS_PORT, BASE_PORT):
            gb.wait_http(f"http://127.0.0.1:{port}/health")
        for port in (THIS_PORT, BASE_PORT):
            url = f"http://127.0.0.1:{port}/v1/chat/completions"
            for _, model in gb.GATEWAY_SIDES.values():  # warm up: connections, caches, clients
                auth = {"Authorization": f"Bearer {key}"}
                loadgen.run_sync(url, gb.body(model, False), auth, connections=8, requests=400)
        figures = compare(key, {side: server.pid for side, server in servers.items()}, args)
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                process.kill()
        subprocess.run(["git", "worktree", "remove", "--force", str(WORKTREE)], cwd=ROOT, capture_output=True)
    print_figures(figures, args)
    settings = vars(args) | {"output": str(args.output)}
    args.output.write_text(json.dumps({"args": settings, **figures}))
    print(f"(written to {args.output})")


if __name__ == "__main__":
    main()
