"""After the soak: is every write the portal confirmed in the database? And the figures.

    DATABASE_URL=... .venv/bin/python bench/soak/check.py OUT_DIR

Reads OUT_DIR/confirmed.jsonl (written by the locustfile), OUT_DIR/locust_stats.csv and
gunicorn's OUT_DIR/access*.log (one per app server). A consult must exist with its id and
marker; a question or answer must be in the assignment's history (a later question replaces an
answered one, the history keeps both). Exits 1 if any confirmed write is missing, or on any
server error (5xx) — except a 503 while the database was cut by a drill (OUT_DIR/drills.log,
written by ``make soak-scale``), which is expected and reported apart, with what each drill saw.
"""

import csv
import datetime
import json
import os
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def missing_writes(lines):
    from cases.models import Consult
    from education.models import Assignment

    history = Assignment.history.model.objects
    missing = []
    for entry in lines:
        kind = entry["kind"]
        if kind == "consult":
            found = Consult.objects.filter(pk=entry["id"], notes=entry["marker"]).exists()
        elif kind == "question":
            found = history.filter(id=entry["assignment"], question=entry["marker"]).exists()
        else:
            found = history.filter(id=entry["assignment"], answer=entry["marker"]).exists()
        if not found:
            missing.append(entry)
    return missing


# A request answered up to this long after the database came back may have begun (and waited
# for its connection, at most connect_timeout=3 s) while it was cut.
GRACE = datetime.timedelta(seconds=5)
ACCESS_LINE = re.compile(r'\[(\d{2}/\w{3}/\d{4}:\d{2}:\d{2}:\d{2} [+-]\d{4})\] "[^"]*" (\d{3}) ')


def server_responses(out):
    """``{log name: [(time, status), ...]}`` from every gunicorn access log."""
    responses = {}
    for log in sorted(out.glob("access*.log")):
        entries = responses.setdefault(log.stem, [])
        for line in log.read_text().splitlines():
            match = ACCESS_LINE.search(line)
            if match:
                at = datetime.datetime.strptime(match.group(1), "%d/%b/%Y:%H:%M:%S %z")
                entries.append((at, match.group(2)))
    return responses


def drills(out):
    """``[(name, start, end)]``: the Redis stop and the database cut, from drills.log."""
    path = out / "drills.log"
    if not path.exists():
        return []
    events = {}
    for line in path.read_text().splitlines():
        at, event = line.split()
        events[event] = datetime.datetime.fromisoformat(at.replace("Z", "+00:00"))
    pairs = [
        ("redis stopped", "redis-stop", "redis-start"),
        ("database cut", "pg-cut", "pg-restore"),
    ]
    return [(name, events[a], events[b]) for name, a, b in pairs if a in events and b in events]


def _during(at, start, end, grace=datetime.timedelta(0)):
    # Access logs have whole seconds: a second that overlaps the window counts as in it.
    return start.replace(microsecond=0) <= at <= end + grace


def main():
    out = Path(sys.argv[1])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
    import django

    django.setup()

    confirmed_file = out / "confirmed.jsonl"
    lines = [json.loads(line) for line in confirmed_file.read_text().splitlines() if line]
    missing = missing_writes(lines)
    kinds = Counter(entry["kind"] for entry in lines)

    with open(out / "locust_stats.csv") as stats:
        total = next(row for row in csv.DictReader(stats) if row["Name"] == "Aggregated")
    responses = server_responses(out)
    windows = drills(out)
    cut = [(start, end) for name, start, end in windows if name == "database cut"]
    statuses = Counter(status for entries in responses.values() for _, status in entries)
    expected_503 = sum(
        1
        for entries in responses.values()
        for at, status in entries
        if status == "503" and any(_during(at, start, end, GRACE) for start, end in cut)
    )
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    server_errors -= expected_503
    unavailable = [
        json.loads(line) for line in (out / "unavailable.jsonl").read_text().splitlines() if line
    ]

    print(f"requests:          {total['Request Count']}")
    print(f"failures:          {total['Failure Count']}")
    print(f"p50 / p95 (ms):    {total['50%']} / {total['95%']}")
    print(f"requests/s:        {float(total['Requests/s']):.1f}")
    for name, entries in responses.items():
        counts = dict(sorted(Counter(status for _, status in entries).items()))
        print(f"{name + ':':<19}{len(entries)} responses {counts}")
    print(f"server statuses:   {dict(sorted(statuses.items()))}")
    print(f"server errors 5xx: {server_errors} (not counting {expected_503} 503 while cut)")
    print(f"confirmed writes:  {len(lines)} {dict(kinds)}")
    print(f"missing in the DB: {len(missing)}")
    for entry in missing[:20]:
        print(f"  MISSING {entry}")
    for name, start, end in windows:
        seen = Counter(
            status
            for entries in responses.values()
            for at, status in entries
            if _during(at, start, end, GRACE if name == "database cut" else datetime.timedelta(0))
        )
        print(
            f"drill {name}: {start:%H:%M:%S} to {end:%H:%M:%S} UTC "
            f"({(end - start).total_seconds():.1f} s): "
            f"{sum(seen.values())} responses {dict(sorted(seen.items()))}"
        )
    answered_503 = sorted(at for entries in responses.values() for at, s in entries if s == "503")
    for start, end in cut:
        during = [at for at in answered_503 if _during(at, start, end, GRACE)]
        if during:
            print(
                f"  503 answered from {during[0]:%H:%M:%S} to {during[-1]:%H:%M:%S} UTC "
                f"(access logs' whole seconds); the database was back at {end:%H:%M:%S.%f}"[:-3]
            )
    if windows:
        pages = sum(1 for entry in unavailable if entry["page"])
        print(f"503 seen by users: {len(unavailable)} ({pages} with the page and Retry-After)")
    worker_log = out / "worker.log"
    if worker_log.exists():
        text = worker_log.read_text()
        restarts, done = text.count("=== task worker exited"), text.count("Job OK")
        print(f"task worker:       {done} tasks done, restarted {restarts} times")
    loadavg = out / "loadavg.txt"
    if loadavg.exists():
        print(f"machine load:      {loadavg.read_text().strip()} (1, 5, 15 min, at the end)")
    rss = out / "rss.txt"
    if rss.exists():
        for line in rss.read_text().splitlines():
            role, pid, *kib = line.split()
            size = f"{int(kib[0]) / 1024:.0f} MB" if kib else "gone"
            print(f"RSS {role} {pid}: {size}")
    # Any failure a client saw (a refused login, a 403 or 429, a lost session) fails the run too,
    # and so does a 503 without the portal's page.
    failures = int(total["Failure Count"])
    bad_503 = sum(1 for entry in unavailable if not entry["page"])
    sys.exit(1 if missing or server_errors or failures or bad_503 or not lines else 0)


if __name__ == "__main__":
    main()
