"""Every page of issue 13's table against a hello-world view, through gunicorn (`make bench`).

    .venv/bin/python bench/pages.py [--database sqlite|postgresql] [--procedures 10000]
        [--duration 5] [--pairs 3] [--pages list-1,timeline] [--reuse]

One run: a scratch database (SQLite: test-artifacts/bench/clinic-N.sqlite3; PostgreSQL:
BENCH_DB, default clinic_bench_N, on BENCH_PG or 127.0.0.1:5432 as postgres) gets the dataset of
bench/dataset.py (or keeps it, with --reuse), the articles and fresh outcome figures; gunicorn
serves it with 2 sync workers on 127.0.0.1 with production settings (bench/settings.py: DEBUG
off, staff two-factor on; only the HTTPS redirect is off). The bench signs in through the login
form and, for the specialist, the TOTP step (the code computed from the device the dataset made),
and hands the session cookie to wrk.

Each GET page is measured in alternating runs of `wrk -t2 -c10 -d<duration> --latency`: the
anonymous hello, for a page behind the login the same user's hello, then the page; `--pairs`
times. A ratio is the page's requests per second over the hello's of the same pair; the table
gives the median ratio and the median p50/p99. Query counts and single-request times (median of
--runs, after one warm-up) come from Django's test client in a separate process against the same
database, after gunicorn has stopped: the public article also cold (the first request after the
caches are cleared), the consult POST in-process only, against a POST to the hello view. Last,
each worker's resident memory. The table is printed and written to
test-artifacts/bench/pages-<database>-<N>.md.
"""

import argparse
import concurrent.futures
import datetime
import html
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "test-artifacts" / "bench"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
HOST = "127.0.0.1"
WORKERS = 2
RSS_TARGET_MB = 150

# key: (label, who, path). ``who``: None (anonymous), "specialist" or "patient"; the path may
# name the dataset's ids ({patient}, {assignment}, {article_slug}) or the list's {deep_page}.
PAGES = {
    "hello": ("hello, anonymous", None, "/bench/hello/"),
    "hello-specialist": ("hello, logged in as a specialist", "specialist", "/bench/hello-user/"),
    "hello-patient": ("hello, logged in as a patient", "patient", "/bench/hello-user/"),
    "article": ("public MISS article, anonymous", None, "/education/articles/{article_slug}/"),
    "assigned-article": (
        "patient's assigned article",
        "patient",
        "/education/assignments/{assignment}/",
    ),
    "patient-dashboard": ("patient dashboard", "patient", "/"),
    "list-1": ("patient list, page 1", "specialist", "/cases/patients/"),
    "list-300": ("patient list, page 300", "specialist", "{deep_page}"),
    "search": ("patient list, name search", "specialist", "/cases/patients/?q=Garcia"),
    "timeline": ("patient timeline", "specialist", "/cases/patients/{patient}/"),
    "outcomes": ("outcome dashboard", "specialist", "/cases/outcomes/"),
    "outcomes-csv": ("outcome CSV", "specialist", "/cases/outcomes/?format=csv"),
    "specialist-dashboard": ("specialist dashboard", "specialist", "/"),
    "consult-post": (
        "consult POST",
        "specialist",
        "/cases/patients/{consult_patient}/consults/new/",
    ),
}
POSTS = {"consult-post"}
DEEP_PAGE = 300
NEXT_LINK = re.compile(r'<a [^>]*href="([^"]+)"[^>]*>\s*Next\s*</a>')
USER_HELLOS = {"hello-specialist", "hello-patient"}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--procedures", type=int, default=10_000)
    parser.add_argument("--duration", type=int, default=5, help="seconds of each wrk run")
    parser.add_argument("--pairs", type=int, default=3)
    parser.add_argument("--runs", type=int, default=5, help="in-process requests per page")
    parser.add_argument("--pages", help="comma-separated subset of: " + ", ".join(PAGES))
    parser.add_argument("--reuse", action="store_true", help="keep the database built before")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--inprocess", help=argparse.SUPPRESS)  # the measuring subprocess
    args = parser.parse_args()
    if args.inprocess:
        return in_process(args)
    keys = list(PAGES) if not args.pages else args.pages.split(",")
    unknown = set(keys) - set(PAGES)
    if unknown:
        parser.error(f"unknown pages: {', '.join(sorted(unknown))}")
    if "hello" not in keys:
        keys.insert(0, "hello")
    Bench(args, keys).run()


class Bench:
    def __init__(self, args, keys):
        self.args, self.keys = args, keys
        self.n = args.procedures
        OUT.mkdir(parents=True, exist_ok=True)
        self.static = tempfile.mkdtemp(prefix="bench-static-")
        self.targets_file = OUT / f"targets-{args.database}-{self.n}.json"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url(),
            "DJANGO_SETTINGS_MODULE": "bench.settings",
            "DJANGO_DEBUG": "false",
            "DJANGO_SECRET_KEY": "bench-" + secrets.token_urlsafe(40),
            "DJANGO_ALLOWED_HOSTS": f"{HOST},testserver",
            "DJANGO_SECURE_SSL_REDIRECT": "false",
            "DJANGO_STATIC_ROOT": self.static,
            "DJANGO_EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
            "PYTHONPATH": str(ROOT),
        }
        self.notes = []

    def database_url(self):
        if self.args.database == "sqlite":
            return f"sqlite:///{OUT / f'clinic-{self.n}.sqlite3'}"
        server = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
        return f"{server}/{os.environ.get('BENCH_DB') or f'clinic_bench_{self.n}'}"

    def manage(self, *command, quiet=True):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL if quiet else None,
        )

    def run(self):
        started = time.perf_counter()
        self.prepare()
        self.log(f"database ready in {time.perf_counter() - started:.0f} s")
        server = Server(self.env, self.args.port, OUT / f"gunicorn-{self.args.database}.log")
        try:
            try:
                server.start()
                sessions = self.sign_in()
                if "list-300" in self.keys:
                    self.find_deep_page(sessions["specialist"])
                loaded = self.under_load(sessions)
                rss = server.worker_rss()
            finally:
                server.stop()
            self.log("in-process measurements")
            inprocess = self.in_process_run()
        finally:
            shutil.rmtree(self.static, ignore_errors=True)
        report = self.report(loaded, inprocess, rss, time.perf_counter() - started)
        print(report)
        path = OUT / f"pages-{self.args.database}-{self.n}.md"
        path.write_text(report)
        self.log(f"written to {path.relative_to(ROOT)}")

    def log(self, message):
        print(f"[bench {datetime.datetime.now(datetime.UTC):%H:%M:%S}] {message}", flush=True)

    def prepare(self):
        """The scratch database with the dataset, the articles and fresh figures; static files."""
        if not self.args.reuse:
            self.log(f"new {self.args.database} database: {self.env['DATABASE_URL']}")
            self.drop_database()
        self.manage("migrate", "--noinput", "-v0")
        dataset = [PYTHON, "bench/dataset.py", "--out", str(self.targets_file)]
        if self.args.reuse:
            dataset.append("--describe")
        else:
            dataset += ["--procedures", str(self.n)]
            self.log(f"building the dataset of {self.n} procedures")
        if subprocess.run(dataset, cwd=ROOT, env=self.env).returncode:
            hint = " (nothing to reuse? run without --reuse)" if self.args.reuse else ""
            raise SystemExit(f"bench/dataset.py failed{hint}")
        self.targets = json.loads(self.targets_file.read_text())
        if self.targets["procedures"] < self.n:
            self.notes.append(
                f"The reused database holds {self.targets['procedures']} procedures, not {self.n}."
            )
        self.manage("import_articles", "education/content/")
        self.log("refreshing the outcome figures")
        began = time.perf_counter()
        self.manage("shell", "-c", "from cases import outcomes; outcomes.refresh()")
        self.refresh_seconds = time.perf_counter() - began
        self.log(f"figures refreshed in {self.refresh_seconds:.1f} s; collecting static files")
        self.manage("collectstatic", "--noinput", "-v0")

    def drop_database(self):
        url = urllib.parse.urlparse(self.env["DATABASE_URL"])
        if url.scheme == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(url.path + suffix).unlink(missing_ok=True)
            return
        options = ["-h", url.hostname, "-p", str(url.port or 5432), "-U", url.username]
        name = url.path.lstrip("/")
        subprocess.run(["dropdb", *options, "--if-exists", name], check=True)
        subprocess.run(["createdb", *options, name], check=True)

    def find_deep_page(self, browser, page=DEEP_PAGE):
        """The patient list's page ``page``, reached by its "Next" links as a reader would (the
        list pages by offset or by keyset; either way the link says where the next page is)."""
        path = "/cases/patients/"
        for _ in range(page - 1):
            found = NEXT_LINK.search(browser.get(path).text)
            if found is None:
                self.notes.append(f"The patient list has fewer than {page} pages.")
                break
            path = "/cases/patients/" + html.unescape(found.group(1))
        self.targets["deep_page"] = path
        self.targets_file.write_text(json.dumps(self.targets, indent=1))

    def sign_in(self):
        """A session cookie per user, through the login form (and the TOTP step for staff)."""
        accounts, password = self.targets["accounts"], self.targets["password"]
        sessions = {None: Browser(self.args.port)}
        for who in ("specialist", "patient"):
            browser = Browser(self.args.port)
            username = accounts[who]
            browser.sign_in(username, password, self.targets["totp_keys"].get(username))
            sessions[who] = browser
        return sessions

    def path(self, key):
        return PAGES[key][2].format(**self.targets)

    def under_load(self, sessions):
        results = {}
        for key in self.keys:
            if key in POSTS:
                continue
            label, who, _ = PAGES[key]
            browser = sessions[who]
            status = browser.get(self.path(key)).status
            self.log(f"{label}: HTTP {status}")
            if status != 200:
                self.notes.append(f"{label} answered HTTP {status} to its user; not measured.")
                results[key] = {"status": status}
                continue
            if key == "hello":
                runs = [wrk(self.args, self.path(key), {}) for _ in range(self.args.pairs)]
                results[key] = {"status": status, "runs": [{"page": run} for run in runs]}
                continue
            runs = []
            for _ in range(self.args.pairs):
                run = {"hello": wrk(self.args, self.path("hello"), {})}
                if who is not None and key not in USER_HELLOS:
                    run["user_hello"] = wrk(self.args, "/bench/hello-user/", browser.cookies)
                run["page"] = wrk(self.args, self.path(key), browser.cookies)
                runs.append(run)
            results[key] = {"status": status, "runs": runs}
        return results

    def in_process_run(self):
        out = OUT / f"inprocess-{self.args.database}-{self.n}.json"
        command = [PYTHON, __file__, "--inprocess", str(out), "--runs", str(self.args.runs)]
        command += ["--pages", ",".join(self.keys)]
        env = {**self.env, "BENCH_TARGETS": str(self.targets_file)}
        subprocess.run(command, cwd=ROOT, env=env, check=True)
        return json.loads(out.read_text())

    def report(self, loaded, inprocess, rss, seconds):
        a = self.args
        command = f"bench/pages.py --database {a.database} --procedures {self.n}"
        command += f" --duration {a.duration} --pairs {a.pairs} --runs {a.runs}"
        if a.pages:
            command += f" --pages {a.pages}"
        if a.reuse:
            command += " --reuse"
        hello = median([r["page"]["rps"] for r in loaded.get("hello", {}).get("runs", [])])
        lines = [
            f"# Pages against hello-world: {a.database}, {self.targets['procedures']:,} "
            f"procedures, {self.targets['patients']:,} patients",
            "",
            f"`{command}` — {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, "
            f"gunicorn {WORKERS} sync workers on {HOST}, `wrk -t2 -c10 -d{a.duration}s`, "
            f"{a.pairs} alternating pairs (median), production settings (staff 2FA on), cache: "
            f"{'Redis' if os.environ.get('REDIS_URL') else 'files (var/cache)'}, "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at the end.",
            "",
            "| page | queries | ratio to hello | ratio to logged-in hello | rps | p50 | p99 "
            "| single request, in-process |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for key in self.keys:
            lines.append(self.row(key, loaded.get(key), inprocess.get(key, {}), hello))
        lines += [
            "",
            f"Anonymous hello: {hello or 0:,.0f} requests/s (median of {a.pairs} runs). Outcome "
            f"figures refreshed in {self.refresh_seconds:.1f} s before the run; the whole run "
            f"took {seconds / 60:.0f} min.",
            "Worker memory after the run (VmRSS): "
            + ", ".join(f"{mb:.0f} MB" for mb in rss)
            + f" (target < {RSS_TARGET_MB} MB).",
        ]
        lines += [f"- {note}" for note in self.notes + inprocess.get("notes", [])]
        return "\n".join(lines) + "\n"

    def row(self, key, loaded, measured, hello):
        label, who, _ = PAGES[key]
        queries = measured.get("queries", "–")
        single = fmt_ms(measured.get("ms"))
        if key == "article" and measured.get("cold_ms") is not None:
            single += f"; cold: {fmt_ms(measured['cold_ms'])}"
        if key in POSTS:
            ratio = measured.get("ratio_to_post_hello")
            ratio = f"{fmt_ratio(ratio)} of a POST hello (in-process)" if ratio else "–"
            return f"| {label} | {queries} | {ratio} | – | – | – | – | {single} |"
        if not loaded or "runs" not in loaded:
            status = loaded["status"] if loaded else "–"
            return f"| {label} | {queries} | HTTP {status} | – | – | – | – | {single} |"
        runs = loaded["runs"]
        page = [run["page"] for run in runs]
        if key == "hello":
            ratio, user_ratio = "1", "–"
        else:
            ratio = fmt_ratio(median([run["page"]["rps"] / run["hello"]["rps"] for run in runs]))
            user_ratio = "1" if key in USER_HELLOS else "–"
            if who is not None and key not in USER_HELLOS:
                user_ratio = fmt_ratio(
                    median([run["page"]["rps"] / run["user_hello"]["rps"] for run in runs])
                )
        errors = sum(p["errors"] for p in page)
        rps = f"{median([p['rps'] for p in page]):,.1f}" + (f" ({errors} errors)" if errors else "")
        p50 = fmt_ms(median([p["p50_ms"] for p in page]))
        p99 = fmt_ms(median([p["p99_ms"] for p in page]))
        return (
            f"| {label} | {queries} | {ratio} | {user_ratio} | {rps} | {p50} | {p99} | {single} |"
        )


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def fmt_ratio(value):
    return "–" if value is None else f"{value:.2g}"


def fmt_ms(value):
    if value is None:
        return "–"
    return f"{value:,.0f} ms" if value >= 10 else f"{value:.1f} ms"


class Server:
    """gunicorn with production settings on 127.0.0.1: 2 sync workers."""

    def __init__(self, env, port, log):
        self.env, self.port, self.log = env, port, log
        self.process = None

    def start(self):
        command = [str(ROOT / ".venv" / "bin" / "gunicorn"), "config.wsgi"]
        command += ["--bind", f"{HOST}:{self.port}", "--workers", str(WORKERS)]
        command += ["--worker-class", "sync", "--timeout", "120", "--error-logfile", str(self.log)]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env)
        for _ in range(150):
            try:
                if Browser(self.port).get("/bench/hello/").status == 200:
                    return
            except OSError:
                pass
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn stopped; see {self.log}")
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not answer; see {self.log}")

    def worker_rss(self):
        """Each worker's VmRSS in MB (the master's children)."""
        pid = self.process.pid
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        sizes = []
        for child in children:
            status = Path(f"/proc/{child}/status").read_text()
            kilobytes = int(re.search(r"^VmRSS:\s+(\d+) kB", status, re.M).group(1))
            sizes.append(kilobytes / 1024)
        return sizes

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()


class Browser:
    """A client with its own cookies (they are Secure, so a cookie jar would not send them over
    plain HTTP); it follows no redirect by itself."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None):
        connection = http.client.HTTPConnection(HOST, self.port, timeout=120)
        headers = {"Host": HOST}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.text = response.read().decode("utf-8", "replace")
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            value = rest.split(";", 1)[0]
            if value and "max-age=0" not in header.lower():
                self.cookies[name.strip()] = value
            else:
                self.cookies.pop(name.strip(), None)
        connection.close()
        return response

    def get(self, path):
        return self.request("GET", path)

    def post_form(self, path, fields):
        """GET the form, then POST ``fields`` with its CSRF token; returns the POST's answer."""
        page = self.get(path)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
        if token is None:
            raise SystemExit(f"No form at {path} (HTTP {page.status})")
        return self.request("POST", path, {**fields, "csrfmiddlewaretoken": token.group(1)})

    def sign_in(self, username, password, totp_key=None):
        answer = self.post_form("/accounts/login/", {"username": username, "password": password})
        if answer.status != 302:
            raise SystemExit(f"Login of {username} refused (HTTP {answer.status})")
        if totp_key is not None:
            from django_otp.oath import totp

            code = f"{totp(bytes.fromhex(totp_key)):06d}"
            answer = self.post_form("/accounts/two-factor/verify/", {"token": code})
            if answer.status != 302:
                raise SystemExit(f"Second factor of {username} refused (HTTP {answer.status})")
        if self.get("/bench/hello-user/").status != 200:
            raise SystemExit(f"{username} is not signed in after the login")


def wrk(args, path, cookies):
    """One wrk run; requests per second, p50/p99 in ms, non-2xx/3xx answers and socket errors."""
    command = ["wrk", "-t2", "-c10", f"-d{args.duration}s", "--latency", "--timeout", "60s"]
    if cookies:
        command += ["-H", "Cookie: " + "; ".join(f"{k}={v}" for k, v in cookies.items())]
    command.append(f"http://{HOST}:{args.port}{path}")
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    drain(args.port)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", output))
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    if socket:
        errors += sum(int(n) for n in socket.groups())
    return {
        "rps": rps,
        "p50_ms": latency(output, "50%"),
        "p99_ms": latency(output, "99%"),
        "errors": errors,
    }


def drain(port, timeout=180):
    """Wait until both workers are free again: when wrk stops, the requests it left queued are
    still served (a slow page leaves seconds of them), and would slow the next run down."""
    deadline = time.monotonic() + timeout
    with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
        while time.monotonic() < deadline:
            started = time.monotonic()
            list(pool.map(lambda _: Browser(port).get("/bench/hello/"), range(WORKERS)))
            if time.monotonic() - started < 0.2:
                return


def latency(output, percentile):
    found = re.search(rf"^\s+{percentile}\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
    if not found:
        return None
    value, unit = float(found.group(1)), found.group(2)
    return value * {"us": 0.001, "ms": 1, "s": 1000}[unit]


# --- In-process measurement: a separate process, Django's test client -------------------------


def in_process(args):
    """Query count and median time of one request per page; writes JSON to args.inprocess."""
    import django

    django.setup()
    import dataset
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clinic.models import User

    targets = json.loads(Path(os.environ["BENCH_TARGETS"]).read_text())
    notes, results = [], {}

    def measure(client, method, path, data=None, before=None, expect=200):
        times, count = [], None
        for _ in range(args.runs):
            if before:
                before()
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = getattr(client, method)(path, data) if data else client.get(path)
                times.append((time.perf_counter() - started) * 1000)
            if response.status_code != expect:
                notes.append(f"{path} answered HTTP {response.status_code} in-process.")
                return {}
            count = len(queries)
        return {"ms": statistics.median(times), "queries": count}

    keys = args.pages.split(",")
    anonymous = Client()
    if "article" in keys:
        # Cold: the first request after the caches are cleared (Django and the templates
        # warmed up by a first request), before anyone signs in (sessions may be in the cache).
        path = PAGES["article"][2].format(**targets)
        anonymous.get(path)
        cold = measure(anonymous, "get", path, before=clear_caches)
        results["article"] = {"cold_ms": cold.get("ms")}
    clients = {None: anonymous}
    for who in ("specialist", "patient"):
        user = User.objects.get(username=targets["accounts"][who])
        client = Client()
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None:  # what the TOTP step would have put in the session
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        clients[who] = client
    for key in keys:
        if key in POSTS:
            continue
        _, who, path = PAGES[key]
        path = path.format(**targets)
        clients[who].get(path)  # warm up
        results.setdefault(key, {}).update(measure(clients[who], "get", path))
    if "consult-post" in keys:
        specialist = clients["specialist"]
        specialist.post("/bench/hello-user/", {})
        hello = measure(specialist, "post", "/bench/hello-user/", {"x": "1"})
        form = dataset.consult_form(timezone.localdate())
        path = PAGES["consult-post"][2].format(**targets)
        post = measure(specialist, "post", path, form, expect=302)
        if post and hello:
            post["ratio_to_post_hello"] = hello["ms"] / post["ms"]
        results["consult-post"] = post
    results["notes"] = notes
    Path(args.inprocess).write_text(json.dumps(results, indent=1))


def clear_caches():
    """The figure caches: Django's cache and every memoised function of the apps' modules."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()
    for name, module in list(sys.modules.items()):
        if name.split(".")[0] in ("cases", "education", "clinic"):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


if __name__ == "__main__":
    main()
