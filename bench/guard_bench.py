"""Latency of the guard's default detector (the hot-path cost of `guard_screen`).

    .venv/bin/python bench/guard_bench.py [--n 2000] [--sizes 100,1000,8192] [--artefact FILE.npz]

Screens prompts of several sizes (built from the shared eval set when present, otherwise from
a synthetic text) and prints one JSON object per size: median, p99 and max wall time in ms, and
the same for thread CPU time (which excludes time the process waited for a core, so it stays
meaningful on a busy shared machine). Target: p99 ≤ 5 ms at 8 KB.
"""

import argparse
import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guardflow_site.settings")


def _corpus() -> list[str]:
    path = ROOT.parent / "shared" / "eval" / "guard_dev.csv"
    if not path.is_file():
        return ["How do I kill a Python process that ignores SIGTERM? Please explain signals. "] * 10
    csv.field_size_limit(10_000_000)
    with path.open(newline="", encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle)]


def _prompt(corpus: list[str], size: int, rng: random.Random) -> str:
    parts, length = [], 0
    while length < size:
        part = rng.choice(corpus)
        parts.append(part)
        length += len(part) + 1
    return " ".join(parts)[:size]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--sizes", default="100,1000,8192")
    parser.add_argument("--artefact", type=Path, help="time another default-detector artefact")
    args = parser.parse_args()

    import django

    django.setup()
    from proxy.guard.pipeline import guard_default_detector, guard_pipeline_run

    if args.artefact:
        from proxy.guard.detectors.default import load_artefact

        guard_default_detector()._artefact = load_artefact(args.artefact)

    rng = random.Random(7)
    corpus = _corpus()
    for size in (int(s) for s in args.sizes.split(",")):
        prompts = [_prompt(corpus, size, rng) for _ in range(200)]
        for prompt in prompts[:20]:
            guard_pipeline_run(prompt)  # warm up: artefact load, regex caches
        wall, cpu = [], []
        for i in range(args.n):
            prompt = prompts[i % len(prompts)]
            t0, c0 = time.perf_counter(), time.thread_time()
            guard_pipeline_run(prompt)
            cpu.append((time.thread_time() - c0) * 1000)
            wall.append((time.perf_counter() - t0) * 1000)
        print(
            json.dumps(
                {
                    "size_chars": size,
                    "n": args.n,
                    "wall_ms": {
                        "median": round(statistics.median(wall), 3),
                        "p99": round(_percentile(wall, 0.99), 3),
                        "max": round(max(wall), 3),
                    },
                    "cpu_ms": {
                        "median": round(statistics.median(cpu), 3),
                        "p99": round(_percentile(cpu, 0.99), 3),
                    },
                }
            )
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
