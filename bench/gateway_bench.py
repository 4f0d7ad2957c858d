"""Gateway benchmark: Guardflow in production mode vs. calling the upstream directly, side by side.

    make bench                      # or: .venv/bin/python bench/gateway_bench.py --help

It starts the fake OpenAI upstream (proxy.testing.fake_upstreams), a Guardflow in production
mode on PostgreSQL + Redis (token auth, limits ledger in Redis, usage records, guard as chosen)
under uvicorn, then loads both with bench/loadgen.py and prints median / p99 / throughput and
the ratios. Finally it stops Guardflow gracefully and checks usage records == requests served.
Needs the local PostgreSQL (127.0.0.1:5432, trust auth) and Redis (127.0.0.1:6379).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import loadgen  # noqa: E402

PYTHON = str(ROOT / ".venv" / "bin" / "python")
UVICORN = str(ROOT / ".venv" / "bin" / "uvicorn")
PG_ADMIN_URL = os.environ.get("BENCH_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
PG_DB = "guardflow_bench"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
SECRET_KEY = "bench-" + "x7Kq9" * 12  # production mode wants a long key; this one is only for the bench
PROMPT = "Summarise the benefits of keeping an LLM gateway in front of every model call."


def bench_env(guard: bool, upstream_port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "GUARDFLOW_"))}
    env.update(
        DJANGO_SETTINGS_MODULE="guardflow_site.settings",
        ENVIRONMENT="production",
        SECRET_KEY=SECRET_KEY,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        SECURE_SSL_REDIRECT="false",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{PG_DB}",
        REDIS_URL=REDIS_URL,
        GUARD_ENABLED="true" if guard else "false",
        LOG_LEVEL=os.environ.get("BENCH_LOG_LEVEL", "WARNING"),
        BENCH_UPSTREAM=f"http://127.0.0.1:{upstream_port}/v1",
        GUARDFLOW_VAR_DIR=str(ROOT / "var" / "bench"),
    )
    return env


def reset_database() -> None:
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {PG_DB}")


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


SETUP_CODE = """
import os, secrets, django
django.setup()
from accounts.authentication import api_token_hash
from accounts.models import APIToken, User
from proxy.services.registry import model_upsert
big = 10**9
user = User.objects.create_user(email="bench@example.com", password=secrets.token_urlsafe(16), name="Bench",
    requests_per_minute=big, requests_per_hour=big, requests_per_day=big, tokens_per_day=big,
    tokens_per_month=big, usd_per_day=10**6, usd_per_month=10**6, max_concurrent_requests=10_000)
value = "gf_" + secrets.token_urlsafe(32)
APIToken.objects.create(user=user, name="bench", prefix=value[:10], token_hash=api_token_hash(value),
    scopes=["gateway"])
for name, options in (("bench-model", {}), ("bench-model-fast", {"transport": "fast"})):
    model_upsert(data={"name": name, "input_price_per_mtok": "0.15", "output_price_per_mtok": "0.60",
        "deployments": [{"provider": "openai", "upstream_model": "bench-upstream",
                         "base_url": os.environ["BENCH_UPSTREAM"], "api_key": "sk-bench",
                         "options": options}]})
print(value)
"""


def run_checked(args: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(args, env=env, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(args[:3])} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def wait_http(url: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    sys.exit(f"{url} did not come up")


def start(args: list[str], env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )


def body(model: str, stream: bool) -> bytes:
    data = {"model": model, "messages": [{"role": "user", "content": PROMPT}], "max_tokens": 64}
    if stream:
        data.update(stream=True, stream_options={"include_usage": True})
    return json.dumps(data).encode()


def summary(result: loadgen.RunResult, *, first_byte: bool = False) -> dict:
    values = result.first_bytes() if first_byte else result.latencies()
    return {
        "requests": len(result.samples),
        "ok": result.ok,
        "errors": result.errors,
        "rps": round(result.rps, 1),
        "median_ms": round(loadgen.median(values), 3),
        "p99_ms": round(loadgen.percentile(values, 99), 3),
    }


# LiteLLM's proxy (optional, --litellm): no database, master key only, the same upstream.
LITELLM_PORT = 9193
LITELLM_URL = f"http://127.0.0.1:{LITELLM_PORT}/v1/chat/completions"
LITELLM_KEY = "sk-litellm-bench"
LITELLM_CONFIG = """model_list:
  - model_name: bench-model
    litellm_params: {{model: openai/bench-upstream, api_base: "{upstream}", api_key: sk-bench}}
general_settings: {{master_key: {key}}}
litellm_settings: {{telemetry: false}}
"""


def start_litellm(executable: str, upstream_base: str, workers: int, env: dict[str, str]) -> subprocess.Popen:
    config = ROOT / "var" / "bench" / "litellm.yaml"
    config.write_text(LITELLM_CONFIG.format(upstream=upstream_base, key=LITELLM_KEY))
    args = [executable, "--config", str(config), "--host", "127.0.0.1", "--port", str(LITELLM_PORT)]
    clean = {k: v for k, v in env.items() if not k.startswith(("DATABASE_", "REDIS_"))}
    return start([*args, "--num_workers", str(workers)], {**clean, "LITELLM_LOG": "ERROR"})


# The Guardflow sides: the same openai deployment called through the openai SDK (the default)
# and through the lean client (deployment option `transport: fast`).
GATEWAY_SIDES = {"sdk": ("guardflow-sdk", "bench-model"), "fast": ("guardflow-fast", "bench-model-fast")}


def _ratio(value: float, baseline: float) -> float | None:
    return round(value / baseline, 2) if baseline else None


def scenario(name: str, sides: dict[str, dict], metric: str) -> dict:
    direct = sides["direct"]
    row: dict = {"scenario": name, "metric": metric, **sides, "added": {}}
    for side, figures in sides.items():
        if side == "direct":
            continue
        row["added"][side] = {
            "median_ms": round(figures["median_ms"] - direct["median_ms"], 3),
            "p99_ms": round(figures["p99_ms"] - direct["p99_ms"], 3),
            "median_ratio": round(figures["median_ms"] / direct["median_ms"], 2)
            if direct["median_ms"]
            else None,
            "rps_ratio": round(figures["rps"] / direct["rps"], 2) if direct["rps"] else None,
        }
    return row


def measure(upstream: str, gateway: str, key: str, n: int, rounds: int, transports: list[str], litellm: bool):
    """Each scenario runs direct and through each gateway side in turn, `rounds` times, pooled."""
    auth = {"Authorization": f"Bearer {key}"}
    sides = [("direct", upstream, "bench-upstream", {"Authorization": "Bearer sk-bench"})]
    sides += [(GATEWAY_SIDES[t][0], gateway, GATEWAY_SIDES[t][1], auth) for t in transports]
    if litellm:
        sides.append(("litellm", LITELLM_URL, "bench-model", {"Authorization": f"Bearer {LITELLM_KEY}"}))
    plans = [
        ("non-streaming, 1 connection", False, 1, n, False),
        ("non-streaming, 8 connections", False, 8, n * 3, False),
        ("streaming, 1 connection (time to first byte)", True, 1, n // 2, True),
    ]
    results, sent = [], 0
    for name, stream, connections, requests, first_byte in plans:
        pooled = {side: loadgen.RunResult() for side, *_ in sides}
        for _ in range(rounds):
            for side, url, model, headers in sides:
                run = loadgen.run_sync(
                    url, body(model, stream), headers, connections=connections, requests=requests // rounds
                )
                pooled[side].samples.extend(run.samples)
                pooled[side].errors += run.errors
                pooled[side].elapsed_s += run.elapsed_s
                if side.startswith("guardflow"):
                    sent += len(run.samples)
        figures = {side: summary(result, first_byte=first_byte) for side, result in pooled.items()}
        results.append(scenario(name, figures, "time to first byte" if first_byte else "latency"))
    return results, sent


def count_records() -> int:
    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{PG_DB}") as conn:
        return conn.execute("SELECT count(*) FROM usage_usagerecord").fetchone()[0]


def print_table(results: list[dict]) -> None:
    print(f"\n{'scenario':46} {'side':15} {'median ms':>10} {'p99 ms':>9} {'req/s':>9} {'ok':>7}")
    for row in results:
        sides = [side for side in row if side not in ("scenario", "metric", "added")]
        for side in sides:
            s = row[side]
            figures = f"{s['median_ms']:>10.3f} {s['p99_ms']:>9.3f} {s['rps']:>9.1f} {s['ok']:>7}"
            print(f"{row['scenario']:46} {side:15} {figures}")
        for side, added in row["added"].items():
            print(
                f"{'':46} {'added (' + side.removeprefix('guardflow-') + ')':15} {added['median_ms']:>10.3f} "
                f"{added['p99_ms']:>9.3f}   median x{added['median_ratio']}, throughput x{added['rps_ratio']}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description="Guardflow gateway benchmark")
    parser.add_argument("--requests", type=int, default=2000, help="requests per 1-connection scenario")
    parser.add_argument("--rounds", type=int, default=2, help="alternating direct/guardflow rounds")
    parser.add_argument("--workers", type=int, default=2, help="uvicorn worker processes for Guardflow")
    parser.add_argument("--guard", choices=("on", "off"), default="on")
    parser.add_argument(
        "--transport",
        choices=("both", "sdk", "fast"),
        default="both",
        help="Guardflow sides to measure: the deployment over the openai SDK (the default for a "
        "deployment), over the lean client (`transport: fast`), or both",
    )
    parser.add_argument(
        "--litellm",
        metavar="EXECUTABLE",
        help="also measure LiteLLM's proxy side by side (the path of its `litellm` command, e.g. "
        "from `pip install 'litellm[proxy]'` in its own venv); same upstream and worker count",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "var" / "bench" / "gateway-latest.json")
    args = parser.parse_args()

    upstream_port, gateway_port = 9191, 9192
    env = bench_env(args.guard == "on", upstream_port)
    transports = ["sdk", "fast"] if args.transport == "both" else [args.transport]
    (ROOT / "var" / "bench").mkdir(parents=True, exist_ok=True)
    reset_database()
    flush_redis()
    run_checked([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
    key = run_checked([PYTHON, "-c", SETUP_CODE], env).strip().splitlines()[-1]

    upstream = start([PYTHON, "-m", "proxy.testing.fake_upstreams", "--port", str(upstream_port)], env)
    upstream_base = f"http://127.0.0.1:{upstream_port}/v1"
    litellm = start_litellm(args.litellm, upstream_base, args.workers, env) if args.litellm else None
    litellm_auth = {"Authorization": f"Bearer {LITELLM_KEY}"}
    gateway = start(
        [
            UVICORN,
            "guardflow_site.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(gateway_port),
            "--workers",
            str(args.workers),
            "--loop",
            "uvloop",
            "--http",
            "httptools",
            "--lifespan",
            "off",
            "--no-access-log",
            "--log-level",
            "warning",
        ],
        env,
    )
    try:
        wait_http(f"http://127.0.0.1:{upstream_port}/")
        wait_http(f"http://127.0.0.1:{gateway_port}/health")
        upstream_url = f"http://127.0.0.1:{upstream_port}/v1/chat/completions"
        gateway_url = f"http://127.0.0.1:{gateway_port}/v1/chat/completions"
        sent = 0
        for transport in transports:  # warm up: connections, caches, the first upstream clients
            model = GATEWAY_SIDES[transport][1]
            auth = {"Authorization": f"Bearer {key}"}
            sent += len(
                loadgen.run_sync(gateway_url, body(model, False), auth, connections=8, requests=400).samples
            )
        loadgen.run_sync(upstream_url, body("bench-upstream", False), {}, connections=8, requests=400)
        if litellm is not None:
            wait_http(f"http://127.0.0.1:{LITELLM_PORT}/health/liveliness", timeout=90)
            loadgen.run_sync(
                LITELLM_URL, body("bench-model", False), litellm_auth, connections=8, requests=400
            )
        results, measured = measure(
            upstream_url, gateway_url, key, args.requests, args.rounds, transports, litellm is not None
        )
        sent += measured
    finally:
        gateway.send_signal(signal.SIGTERM)
        try:
            gateway.wait(timeout=60)
        except subprocess.TimeoutExpired:
            gateway.kill()
        if litellm is not None:
            litellm.send_signal(signal.SIGTERM)
            try:
                litellm.wait(timeout=30)
            except subprocess.TimeoutExpired:
                litellm.kill()
        upstream.send_signal(signal.SIGTERM)
        upstream.wait(timeout=10)

    records = count_records()
    print_table(results)
    print(
        f"\nguard: {args.guard}; Guardflow workers: {args.workers}; requests answered by Guardflow: {sent}; "
        f"usage records: {records} -> {'EXACT' if records == sent else 'MISMATCH'}"
    )
    args.output.write_text(
        json.dumps(
            {
                "guard": args.guard,
                "workers": args.workers,
                "transports": transports,
                "results": results,
                "requests_sent": sent,
                "usage_records": records,
            },
            indent=2,
        )
    )
    print(f"(written to {args.output})")
    if records != sent:
        sys.exit(1)


if __name__ == "__main__":
    main()
