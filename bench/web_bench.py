"""Load benchmark of the clinic web app (issue 4, Performance). Not a test: it prints figures.

1. Builds a database in bench/out/web (SQLite; or FORLOB_DATABASE_URL) with N patients and
   about 20 service lines each (10 000 and 200 000 by default) over several clinics, courses
   of every pathway started over the last year, and their stored plans.
2. Starts the production server (`forlob serve`, gunicorn) on a free port.
   The stored findings are refreshed with one vectorised audit (forlob_refresh_findings), as
   after a catalogue update; a clinic's database has them from the course pages' first views.
3. Drives it with wrk (Debian's package; installed with apt when missing) at 20 connections:
   the course page (random courses of the user's clinic), the worklist, and the service-line
   create API (token auth; a random course each time), and prints p50/p95/p99 and requests/s,
   twice: users who wait 1–3 s between requests (as a locust `between(1, 3)` user), and a
   closed loop with no wait (the saturation throughput).

    python bench/web_bench.py [--patients 10000] [--lines-per-patient 20] [--clinics 5]
                              [--connections 20] [--seconds 20] [--think-ms 1000-3000] [--reuse]
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# FORLOB_DATABASE_URL=postgresql://…/NAME benchmarks PostgreSQL (the database NAME is dropped
# and created anew unless --reuse); otherwise SQLite in the output folder
DATABASE_URL = os.environ.get("FORLOB_DATABASE_URL", "")
OUT = ROOT / "bench" / "out" / ("web-" + DATABASE_URL.rsplit("/", 1)[-1] if DATABASE_URL else "web")
PASSWORD = "bench-password-not-secret"
SERIES = {"LBP": "0266", "NR": None, "PKG": None, "TP": None}


def log(msg: str) -> None:
    sys.stderr.write(f"[web-bench] {msg}\n")
    sys.stderr.flush()


def setup(data_dir: Path) -> None:
    os.environ["FORLOB_DATA_DIR"] = str(data_dir)
    os.environ["FORLOB_DEMO"] = "1"
    os.environ["DJANGO_SETTINGS_MODULE"] = "forlob.web.settings"
    import django

    django.setup()


def build(patients: int, lines_per_patient: int, clinics: int, seed: int) -> None:
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import transaction

    from forlob.catalogue import load_catalogue
    from forlob.planning import plan_course
    from forlob.web.models import (
        Clinic,
        Course,
        Membership,
        Patient,
        PlanItem,
        Referral,
        ServiceLine,
    )
    from forlob.web.plans import refresh_plan
    from forlob.web.tokens import create_token

    call_command("migrate", interactive=False, verbosity=0)
    rng = random.Random(seed)
    cat = load_catalogue()
    pathways = sorted(cat.pathways)
    today = dt.date.today()
    t0 = time.perf_counter()
    with transaction.atomic():
        cl = Clinic.objects.bulk_create(
            Clinic(
                name=f"Bench-klinik {i + 1}",
                provider_id=f"9{i:05d}",
                profession=Clinic.PHYSIOTHERAPY,
            )
            for i in range(clinics)
        )
        user = User.objects.create_user("bench", "bench@example.invalid", PASSWORD)
        Membership.objects.create(user=user, clinic=cl[0], role=Membership.ADMIN)
        _row, token = create_token(user, "bench")
        (OUT / "token").write_text(token)
        pts = Patient.objects.bulk_create(
            Patient(
                clinic=cl[i % clinics],
                cpr=f"{(i % 28) + 1:02d}{(i % 12) + 1:02d}{50 + i % 40:02d}{i % 10000:04d}",
                name=f"Patient {i}",
                birth_date=dt.date(1950 + i % 40, (i % 12) + 1, (i % 28) + 1),
            )
            for i in range(patients)
        )
        refs, courses, starts = [], [], []
        for p in pts:
            start = today - dt.timedelta(days=rng.randrange(0, 365))
            starts.append(start)
            refs.append(
                Referral(
                    patient=p,
                    date=start - dt.timedelta(days=rng.randrange(3, 20)),
                    gp_name="Lægehuset",
                    diagnosis_text="Lændesmerter",
                )
            )
        Referral.objects.bulk_create(refs, batch_size=2000)
        for p, r, start in zip(pts, refs, starts, strict=True):
            courses.append(
                Course(
                    clinic_id=p.clinic_id,
                    patient=p,
                    referral=r,
                    pathway=rng.choice(pathways),
                    planned_start=start,
                )
            )
        Course.objects.bulk_create(courses, batch_size=2000)
        log(f"{patients} patients and courses in {time.perf_counter() - t0:.1f} s")
        lines = []
        for c in courses:
            plan = plan_course(c.pathway, c.planned_start)
            dated = [
                (it.target or it.earliest, it.code)
                for it in plan.items
                if it.kind == "consultation" and it.code and (it.target or it.earliest)
            ]
            extra = [code for code in cat.pathway_codes(c.pathway)]
            while len(dated) < lines_per_patient:
                day = c.planned_start + dt.timedelta(days=rng.randrange(0, 120))
                dated.append((day, rng.choice(extra)))
            for day, code in dated[:lines_per_patient]:
                if day is not None and day <= today:
                    lines.append(ServiceLine(course=c, service_date=day, code=code))
        ServiceLine.objects.bulk_create(lines, batch_size=5000)
        log(f"{len(lines)} service lines in {time.perf_counter() - t0:.1f} s")
    courses_iter = Course.objects.select_related("referral").iterator(chunk_size=500)
    for n, c in enumerate(courses_iter, start=1):
        refresh_plan(c)
        if n % 2000 == 0:
            log(f"plans stored for {n} courses ({time.perf_counter() - t0:.0f} s)")
    log(f"built in {time.perf_counter() - t0:.1f} s: {PlanItem.objects.count()} plan items")
    ids = list(Course.objects.filter(clinic=cl[0]).values_list("id", flat=True))
    (OUT / "courses.json").write_text(json.dumps(ids))


def recreate_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(base + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def refresh_findings() -> None:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    t0 = time.perf_counter()
    call_command("forlob_refresh_findings")
    log(f"findings refreshed in {time.perf_counter() - t0:.1f} s")


def login_cookie(base: str) -> str:
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/login/").read().decode()
    m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert m
    body = urllib.parse.urlencode(
        {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": m.group(1)}
    ).encode()
    opener.open(urllib.request.Request(base + "/login/", data=body, headers={"Referer": base}))
    return "; ".join(f"{c.name}={c.value}" for c in jar)


LUA_COMMON = """
think_lo, think_hi = THINK_LO, THINK_HI
if think_hi > 0 then
  delay = function() return math.random(think_lo, think_hi) end
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %d %.1f %.1f %.1f %.1f %d %d\\n",
    summary.requests, summary.duration, latency:percentile(50)/1000,
    latency:percentile(95)/1000, latency:percentile(99)/1000, latency.max/1000,
    summary.errors.status, summary.errors.connect + summary.errors.read +
    summary.errors.write + summary.errors.timeout))
end
"""


def lua_course_page(ids: list[int], cookie: str) -> str:
    return (
        f"""
local ids = {{{",".join(map(str, ids))}}}
wrk.headers["Cookie"] = "{cookie}"
request = function()
  return wrk.format("GET", "/courses/" .. ids[math.random(#ids)] .. "/")
end
"""
        + LUA_COMMON
    )


def lua_worklist(cookie: str) -> str:
    return (
        f"""
wrk.headers["Cookie"] = "{cookie}"
request = function() return wrk.format("GET", "/worklist/") end
"""
        + LUA_COMMON
    )


def lua_create(ids: list[int], token: str) -> str:
    body = json.dumps(
        {"service_date": dt.date.today().isoformat(), "code": "0110", "warning_reason": "bench"}
    )
    return (
        f"""
local ids = {{{",".join(map(str, ids))}}}
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
request = function()
  local body = '{body}'
  return wrk.format("POST", "/api/v1/courses/" .. ids[math.random(#ids)] .. "/lines", nil, body)
end
"""
        + LUA_COMMON
    )


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    log("installing Debian's wrk")
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
    return "wrk"


def run_wrk(
    wrk: str, base: str, script: str, connections: int, seconds: int, think: tuple[int, int]
) -> dict[str, float]:
    script = script.replace("THINK_LO", str(think[0])).replace("THINK_HI", str(think[1]))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(script)
    done = subprocess.run(
        [
            wrk,
            f"-t{min(2, connections)}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            f.name,
            base,
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT"))
    req, dur, p50, p95, p99, mx, status_err, sock_err = line.split()[1:]
    return {
        "requests": int(req),
        "rps": int(req) / (int(dur) / 1e6),
        "p50": float(p50),
        "p95": float(p95),
        "p99": float(p99),
        "max": float(mx),
        "non2xx": int(status_err),
        "socket_errors": int(sock_err),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--patients", type=int, default=10_000)
    ap.add_argument("--lines-per-patient", type=int, default=20)
    ap.add_argument("--clinics", type=int, default=5)
    ap.add_argument("--connections", type=int, default=20)
    ap.add_argument("--seconds", type=int, default=20)
    ap.add_argument("--think-ms", default="1000-3000", help="wait between a user's requests")
    ap.add_argument(
        "--endpoints", default="course,worklist,create", help="which of course,worklist,create"
    )
    ap.add_argument("--loads", default="think,closed", help="which of think,closed")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--reuse", action="store_true", help="keep an already built database")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()

    data_dir = OUT / "data"
    if not args.reuse and OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir(parents=True, exist_ok=True)
    data_dir.mkdir(parents=True, exist_ok=True)
    if DATABASE_URL and not args.reuse:
        recreate_database(DATABASE_URL)
    setup(data_dir)
    if not (OUT / "courses.json").exists():
        build(args.patients, args.lines_per_patient, args.clinics, args.seed)
        # the stored findings of a bulk-loaded database; later runs keep what the server
        # stored (courses the create API changed are recomputed on their next view)
        refresh_findings()
    ids = json.loads((OUT / "courses.json").read_text())
    token = (OUT / "token").read_text().strip()
    wrk = ensure_wrk()

    sys.path.insert(0, str(ROOT))
    from tests.web.server import running_server

    lo, hi = (int(x) for x in args.think_ms.split("-"))
    loads = [
        (label, think)
        for key, label, think in (
            ("think", f"think {lo}-{hi} ms", (lo, hi)),
            ("closed", "no think time", (0, 0)),
        )
        if key in args.loads.split(",")
    ]
    wanted = args.endpoints.split(",")
    results = []
    db_env = {"FORLOB_DATABASE_URL": DATABASE_URL} if DATABASE_URL else {}
    with running_server(data_dir, workers=args.workers, threads=args.threads, **db_env) as base:
        cookie = login_cookie(base)
        for load, think in loads:
            for key, name, script in (
                ("course", "course page", lua_course_page(ids, cookie)),
                ("worklist", "worklist", lua_worklist(cookie)),
                ("create", "service-line create API", lua_create(ids, token)),
            ):
                if key not in wanted:
                    continue
                log(f"{name}, {load}: {args.connections} connections for {args.seconds} s")
                r = run_wrk(wrk, base, script, args.connections, args.seconds, think)
                results.append((load, name, r))
    print(
        f"\n{args.patients} patients, ~{args.patients * args.lines_per_patient} service lines, "
        f"{args.clinics} clinics; {args.connections} users, {args.seconds} s each, "
        f"gunicorn {args.workers} workers x {args.threads} threads, {os.cpu_count()} cores, "
        f"{'PostgreSQL' if DATABASE_URL else 'SQLite'}"
    )
    print(
        f"{'load':<20}{'endpoint':<26}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
        f"{'non-2xx':>9}"
    )
    for load, name, r in results:
        print(
            f"{load:<20}{name:<26}{r['rps']:>8.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}"
            f"{r['p99']:>9.1f}{r['non2xx']:>9}"
        )


if __name__ == "__main__":
    main()
