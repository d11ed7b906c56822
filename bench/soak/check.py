"""After the soak: is every write the portal confirmed in the database? And the figures.

    DATABASE_URL=... .venv/bin/python bench/soak/check.py OUT_DIR

Reads OUT_DIR/confirmed.jsonl (written by the locustfile), OUT_DIR/locust_stats.csv and
gunicorn's OUT_DIR/access.log. A consult must exist with its id and marker; a question or answer
must be in the assignment's history (a later question replaces an answered one, the history keeps
both). Exits 1 if any confirmed write is missing, or on any server error (5xx).
"""

import csv
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
    statuses = Counter()
    for line in (out / "access.log").read_text().splitlines():
        match = re.search(r'" (\d{3}) ', line)
        if match:
            statuses[match.group(1)] += 1
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))

    print(f"requests:          {total['Request Count']}")
    print(f"failures:          {total['Failure Count']}")
    print(f"p50 / p95 (ms):    {total['50%']} / {total['95%']}")
    print(f"requests/s:        {float(total['Requests/s']):.1f}")
    print(f"server statuses:   {dict(sorted(statuses.items()))}")
    print(f"server errors 5xx: {server_errors}")
    print(f"confirmed writes:  {len(lines)} {dict(kinds)}")
    print(f"missing in the DB: {len(missing)}")
    for entry in missing[:20]:
        print(f"  MISSING {entry}")
    # Any failure a client saw (a refused login, a 403 or 429, a lost session) fails the run too.
    failures = int(total["Failure Count"])
    sys.exit(1 if missing or server_errors or failures or not lines else 0)


if __name__ == "__main__":
    main()
