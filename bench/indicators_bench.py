"""Benchmark `forlob indicators` against `forlob audit` on the same extract.

    python bench/indicators_bench.py [--rows 1000000] [--seed 7] [--repeat 3] [--keep] [--reuse]

Generates `bench/out/synth_<rows>_s<seed>.csv` with `forlob synth --rows N --seed S` (--reuse
takes an existing one as is), then times in fresh child processes, interleaved so that load
changes hit both alike, `forlob audit FILE --format jsonl --output /dev/null` and
`forlob indicators FILE --format jsonl --output /dev/null`, and prints the median wall time
and peak RSS of each and their ratio. The contract (indicators.md) wants the indicators in at
most 1.3 × the audit's time on a 10 M-line extract. Finally it prints each indicator's whole-
file value. Without --keep the generated extract is deleted afterwards.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from statistics import median

sys.path.insert(0, str(Path(__file__).resolve().parent))
from audit_bench import OUT, ROOT, Measure, forlob_command, measure  # noqa: E402

TARGET_RATIO = 1.3


def _env() -> dict[str, str]:
    env = dict(os.environ)
    src = str(ROOT / "src")
    env["PYTHONPATH"] = src + os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else src
    return env


def ensure_extract(rows: int, seed: int, reuse: bool) -> tuple[Path, float | None]:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"synth_{rows}_s{seed}.csv"
    if reuse and path.exists():
        return path, None
    t = time.perf_counter()
    cmd = [*forlob_command(), "synth", "--rows", str(rows), "--seed", str(seed), "--out", str(path)]
    subprocess.run(cmd, check=True, env=_env(), capture_output=True)
    return path, time.perf_counter() - t


def _median(runs: list[Measure]) -> Measure:
    worst = max(runs, key=lambda m: m.returncode)
    return Measure(
        seconds=median(m.seconds for m in runs),
        peak_mb=median(m.peak_mb for m in runs),
        returncode=worst.returncode,
        error=worst.error,
    )


def whole_file_values(path: Path) -> list[dict[str, object]]:
    done = subprocess.run(
        [*forlob_command(), "indicators", str(path), "--format", "jsonl"],
        capture_output=True,
        text=True,
        env=_env(),
        check=True,
    )
    records = [json.loads(x) for x in done.stdout.splitlines()]
    return [r for r in records if r["provider_id"] is None]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each; the median is shown")
    parser.add_argument("--keep", action="store_true", help="keep the generated extract")
    parser.add_argument("--reuse", action="store_true", help="use an existing extract as is")
    args = parser.parse_args(argv)

    path, made = ensure_extract(args.rows, args.seed, args.reuse)
    how = "reused" if made is None else f"generated in {made:.1f} s"
    print(f"{args.rows:,} lines, seed {args.seed}: {path.relative_to(ROOT)} ({how})", flush=True)
    audit_cmd = [*forlob_command(), "audit", str(path), "--format", "jsonl", "--output", os.devnull]
    ind_cmd = [
        *forlob_command(),
        "indicators",
        str(path),
        "--format",
        "jsonl",
        "--output",
        os.devnull,
    ]
    audits, inds = [], []
    for _ in range(max(args.repeat, 1)):
        audits.append(measure(audit_cmd))
        inds.append(measure(ind_cmd))
    audit, ind = _median(audits), _median(inds)
    failed = False
    for name, m, good in (("audit", audit, {0, 1}), ("indicators", ind, {0})):
        if m.returncode not in good:
            failed = True
            print(f"  {name} failed with exit {m.returncode}: {m.error}")
    print(f"  audit runs:      {', '.join(f'{m.seconds:.2f}' for m in audits)} s")
    print(f"  indicators runs: {', '.join(f'{m.seconds:.2f}' for m in inds)} s")
    ratio = ind.seconds / audit.seconds if audit.seconds else float("inf")
    print()
    print(f"{'command':<12} {'wall s':>8} {'peak MB':>8}")
    print(f"{'audit':<12} {audit.seconds:>8.2f} {audit.peak_mb:>8.0f}")
    print(f"{'indicators':<12} {ind.seconds:>8.2f} {ind.peak_mb:>8.0f}")
    verdict = "ok" if ratio <= TARGET_RATIO else "MISSED"
    print(f"indicators / audit = {ratio:.2f} (target <= {TARGET_RATIO}) {verdict}")
    print()
    print("whole-file values:")
    for r in whole_file_values(path):
        print(
            f"  {r['indicator']:<18} {r['numerator']:>9,} / {r['denominator']:<9,} "
            f"= {100 * float(r['value']):6.2f} %  "
            f"(95 % {100 * float(r['lower_95']):.2f}–{100 * float(r['upper_95']):.2f} %)"
        )
    if not args.keep:
        path.unlink()
    return 1 if failed or ratio > TARGET_RATIO else 0


if __name__ == "__main__":
    sys.exit(main())
