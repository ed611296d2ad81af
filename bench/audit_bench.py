"""Benchmark `forlob audit` against a bare Polars read of the same extract.

    python bench/audit_bench.py [--sizes 1000000 10000000] [--keep] [--reuse]

For each size: generate `bench/out/synth_N.csv` with `forlob synth --rows N --seed 1` (falls
back to `forlob.synth.write_synth` when the CLI cannot; --reuse takes an existing file, e.g.
one left by --keep, as is), then time in fresh
child processes (a) `pl.read_csv` of the file with every column as text and (b)
`forlob audit FILE --format jsonl --output /dev/null`. Each measurement runs inside its own
small Python runner, so the runner's RUSAGE_CHILDREN peak RSS is exactly that child's.
Without --keep the generated extracts are deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
from forlob.rules import ALL_COLUMNS as COLUMNS  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
TARGET_SIZE = 10_000_000
TARGET_SECONDS = 10.0
TARGET_RSS_MB = 2048.0

# Runs one command and reports its wall time and peak RSS. A fresh interpreter per
# measurement: ru_maxrss of RUSAGE_CHILDREN is a maximum over all children ever waited for.
_RUNNER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
wall = time.perf_counter() - t
peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
err = rc.stderr.decode("utf-8", "replace").strip().splitlines()[-1:]
print(json.dumps({"rc": rc.returncode, "wall": wall, "peak_kb": peak_kb, "err": err}))
"""

_READ = """
import sys
import polars as pl
columns = {columns!r}
df = pl.read_csv(sys.argv[1], schema_overrides={{c: pl.String for c in columns}})
print(df.height)
"""


@dataclass
class Measure:
    seconds: float
    peak_mb: float
    returncode: int
    error: str


def _env() -> dict[str, str]:
    env = dict(os.environ)
    # the checkout's sources, whether or not the package is installed in this interpreter
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else src
    return env


def forlob_command() -> list[str]:
    script = Path(sys.executable).with_name("forlob")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-m", "forlob.cli"]


def measure(cmd: list[str]) -> Measure:
    proc = subprocess.run(
        [sys.executable, "-c", _RUNNER, *cmd],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    return Measure(
        seconds=report["wall"],
        peak_mb=report["peak_kb"] / 1024,  # Linux reports kilobytes
        returncode=report["rc"],
        error=" ".join(report["err"]),
    )


def ensure_extract(rows: int, reuse: bool) -> tuple[Path, float | None]:
    """The extract for `rows` lines and the seconds it took to write (None if reused)."""
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"synth_{rows}.csv"
    if reuse and path.exists():
        return path, None
    t = time.perf_counter()
    cmd = [*forlob_command(), "synth", "--rows", str(rows), "--out", str(path), "--seed", "1"]
    done = subprocess.run(cmd, capture_output=True, text=True, env=_env())
    if done.returncode != 0 or not path.exists():
        print(f"  `forlob synth` unavailable ({done.stderr.strip()[-200:]}); using write_synth")
        sys.path.insert(0, str(ROOT / "src"))
        from forlob.synth import write_synth

        t = time.perf_counter()
        write_synth(rows, path, seed=1)
    return path, time.perf_counter() - t


def _median(runs: list[Measure]) -> Measure:
    worst = max(runs, key=lambda m: m.returncode)
    return Measure(
        seconds=median(m.seconds for m in runs),
        peak_mb=median(m.peak_mb for m in runs),
        returncode=worst.returncode,
        error=worst.error,
    )


def _verdict(ok: bool) -> str:
    return "ok" if ok else "MISSED"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--keep", action="store_true", help="keep the generated extracts")
    parser.add_argument("--reuse", action="store_true", help="use existing extracts as they are")
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of each measurement; the median is shown"
    )
    args = parser.parse_args(argv)

    read_script = _READ.format(columns=COLUMNS)
    results = []
    failed = False
    for rows in args.sizes:
        path, synth_s = ensure_extract(rows, args.reuse)
        made = "reused" if synth_s is None else f"generated in {synth_s:.1f} s"
        print(f"{rows:>12,} lines: {path.relative_to(ROOT)} ({made})", flush=True)
        audit_cmd = [*forlob_command(), "audit", str(path), "--format", "jsonl"]
        reads, audits = [], []
        for _ in range(max(args.repeat, 1)):  # interleaved, so load changes hit both alike
            reads.append(measure([sys.executable, "-c", read_script, str(path)]))
            audits.append(measure([*audit_cmd, "--output", os.devnull]))
        read, audit = _median(reads), _median(audits)
        spread = ", ".join(f"{m.seconds:.2f}" for m in audits)
        print(f"  audit runs: {spread} s", flush=True)
        for name, m, good in (("read", read, {0}), ("audit", audit, {0, 1})):
            if m.returncode not in good:
                failed = True
                print(f"  {name} failed with exit {m.returncode}: {m.error}")
        results.append((rows, read, audit))
        if not args.keep:
            path.unlink()

    header = (
        f"{'size':>12} {'read s':>8} {'read MB':>8} {'audit s':>8} {'audit MB':>9} "
        f"{'lines/s':>11} {'audit/read':>10}"
    )
    print()
    print(header)
    print("-" * len(header))
    for rows, read, audit in results:
        rate = rows / audit.seconds if audit.seconds else float("inf")
        ratio = audit.seconds / read.seconds if read.seconds else float("inf")
        print(
            f"{rows:>12,} {read.seconds:>8.2f} {read.peak_mb:>8.0f} {audit.seconds:>8.2f} "
            f"{audit.peak_mb:>9.0f} {rate:>11,.0f} {ratio:>10.1f}"
        )
    print()
    print(
        f"targets: {TARGET_SIZE:,} lines <= {TARGET_SECONDS:.0f} s, peak RSS <= "
        f"{TARGET_RSS_MB / 1024:.0f} GB"
    )
    for rows, _, audit in results:
        line = (
            f"  {rows:>12,}: peak {audit.peak_mb:.0f} MB {_verdict(audit.peak_mb <= TARGET_RSS_MB)}"
        )
        if rows >= TARGET_SIZE:
            budget = TARGET_SECONDS * rows / TARGET_SIZE
            line += f", audit {audit.seconds:.2f} s of {budget:.1f} s"
            line += f" {_verdict(audit.seconds <= budget)}"
        else:
            # start-up cost makes small sizes look slow; the time target is for 10 M lines
            line += f", time target not applicable below {TARGET_SIZE:,} lines"
        print(line)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
