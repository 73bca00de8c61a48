"""Load: 10 concurrent users mixing directory search, facility pages, the consultation list and the
月報/年度累計 report against gunicorn on loopback, for a bounded time, on the database DATABASE_URL
names (PostgreSQL for the figures in docs/performance.md):

    .ci/with-postgres .venv/bin/python bench/load.py --facilities 50000 --consultations 200000 --seconds 60

Baseline in the same run: the same users hitting /healthz (one trivial query) for 10 s, which is
what gunicorn, Django's middleware and the loopback cost without any page. The mix runs twice:
first as people use it, each user pausing to read a page before the next (`--think`, mean 1 s),
which is where the targets apply (0 errors, p95 ≤ 150 ms); then the same users without pauses,
which saturates the cores and gives the throughput as a share of /healthz's (the load generator
shares the machine's 2 cores).

Traffic goes to 127.0.0.1 only; every loop stops at its deadline."""

import argparse
import http.client
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote

import _setup  # noqa: F401
from _setup import ROOT, migrate, percentile, vendor

SEARCHES = [
    "q=内科",
    "q=眼科",
    "q=訪問看護",
    "q=ひまわり",
    "q=森",
    "q=中央",
    "kind=1",
    "capabilities=1&capabilities=3",
    "q=クリニック&page=2",
    "accepting=on",
    "",
]


def ensure_data(facilities, consultations):
    from django.core.management import call_command
    from django.db import connection

    from consultations.models import Consultation
    from resources.models import Facility

    call_command("seed_demo", stdout=open(os.devnull, "w"))
    extra_f = max(0, facilities - Facility.objects.count())
    extra_c = max(0, consultations - Consultation.objects.count())
    if extra_f or extra_c:
        t = time.perf_counter()
        call_command("seed_demo", facilities=extra_f, consultations=extra_c, stdout=sys.stderr)
        print(f"seeded in {time.perf_counter() - t:.0f}s", file=sys.stderr)
    if vendor() == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")


def session_cookie(username):
    from django.test import Client

    from coordination.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies["sessionid"].value


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def start_gunicorn(port, workers):
    # Sessions are made in-process below (no second-factor step to script); static files are not
    # requested, so whitenoise may look in the app folders.
    env = dict(os.environ, REQUIRE_2FA="0", SESSION_ABSOLUTE_SECONDS="86400", WHITENOISE_USE_FINDERS="1")
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "coordination.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return process
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise SystemExit("gunicorn did not start")


def run(port, users, seconds, pick, think=0.0):
    """`users` threads, each with a keep-alive connection, for `seconds`; returns
    {kind: [ms]} and the error list. `think`: a user's mean pause between two pages (drawn
    from an exponential distribution, as people's pauses are); 0 sends the next request at once."""
    deadline = time.time() + seconds
    samples, errors, lock = {}, [], threading.Lock()

    def user(seed):
        rng = random.Random(seed)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.time() < deadline:
            kind, path, cookie = pick(rng)
            headers = {"Cookie": f"sessionid={cookie}"} if cookie else {}
            t = time.perf_counter()
            try:
                conn.request("GET", quote(path, safe="/?=&"), headers=headers)
                response = conn.getresponse()
                response.read()
                ms = (time.perf_counter() - t) * 1000
                ok = response.status == 200
            except Exception as exc:  # counted as an error; the loop goes on until its deadline
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok, ms, response = False, 0, exc
            with lock:
                if ok:
                    samples.setdefault(kind, []).append(ms)
                else:
                    errors.append((path, getattr(response, "status", response)))
            if think:
                time.sleep(min(rng.expovariate(1 / think), max(0.0, deadline - time.time())))

    threads = [threading.Thread(target=user, args=(i,)) for i in range(users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return samples, errors


def describe(label, samples, errors, seconds):
    every = [ms for values in samples.values() for ms in values]
    rate = len(every) / seconds
    print(
        f"{label}: {len(every)} requests, {len(errors)} errors, {rate:.0f} req/s, "
        f"p50 {statistics.median(every):.0f} ms, p95 {percentile(every, 95):.0f} ms, "
        f"p99 {percentile(every, 99):.0f} ms"
    )
    return rate, percentile(every, 95)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--facilities", type=int, default=50000)
    parser.add_argument("--consultations", type=int, default=200000)
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--users", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause of a user between two pages, seconds"
    )
    args = parser.parse_args()
    migrate()
    ensure_data(args.facilities, args.consultations)

    from consultations.models import Consultation
    from coordination import dates
    from resources.models import Facility

    cookies = {
        name: session_cookie(name) for name in ("demo-professional", "demo-coordinator", "demo-official")
    }
    facility_ids = list(Facility.objects.values_list("pk", flat=True)[:5000])
    fy = dates.fiscal_year(dates.today())
    today = dates.today()

    def mix(rng):
        r = rng.random()
        if r < 0.40:
            return "search", f"/resources/?{rng.choice(SEARCHES)}", cookies["demo-professional"]
        if r < 0.70:
            return "facility", f"/resources/{rng.choice(facility_ids)}/", cookies["demo-professional"]
        if r < 0.90:
            page = rng.choice(["", "?page=2", "?status=open", "?follow_up_due=on"])
            return "consultations", f"/consultations/{page}", cookies["demo-coordinator"]
        period = rng.choice([f"fiscal_year={fy}", f"year={today.year}&month={today.month}"])
        return "report", f"/consultations/reports/?{period}", cookies["demo-official"]

    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        run(port, args.users, 3, mix)  # warm-up
        base_samples, base_errors = run(port, args.users, 10, lambda rng: ("healthz", "/healthz", None))
        # Two runs of the same mix: people who read each page before the next (the latency
        # target), then the same users without pausing, which saturates the cores and gives the
        # throughput the machine can serve.
        samples, errors = run(port, args.users, args.seconds, mix, think=args.think)
        flat_samples, flat_errors = run(port, args.users, args.seconds, mix)
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"# load bench: {vendor()}, {Facility.objects.count()} facilities, {Consultation.objects.count()} "
        f"consultations, {args.users} users, gunicorn {args.workers} workers, {os.cpu_count()} cores, "
        f"{args.seconds} s"
    )
    base_rate, base_p95 = describe("baseline /healthz", base_samples, base_errors, 10)
    runs = [
        (f"mix, {args.think:g} s mean pause between pages", samples, errors),
        ("mix, no pause (saturation)", flat_samples, flat_errors),
    ]
    for label, run_samples, run_errors in runs:
        rate, p95 = describe(label, run_samples, run_errors, args.seconds)
        for kind, values in sorted(run_samples.items()):
            print(
                f"  {kind}: {len(values)} requests, p50 {statistics.median(values):.0f} ms, "
                f"p95 {percentile(values, 95):.0f} ms"
            )
        if run_errors:
            print(f"  errors (first 5): {run_errors[:5]}")
    p95 = percentile([ms for values in samples.values() for ms in values], 95)
    flat_rate = sum(len(v) for v in flat_samples.values()) / args.seconds
    every_error = errors + flat_errors
    print(
        f"targets: 0 errors {'met' if not every_error else 'MISSED'}, "
        f"p95 ≤ 150 ms {'met' if p95 <= 150 else 'MISSED'} (paused run); "
        f"throughput without pauses {100 * flat_rate / base_rate:.0f}% of /healthz's"
    )


if __name__ == "__main__":
    main()
