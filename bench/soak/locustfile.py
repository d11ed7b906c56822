"""The soak: patients and specialists using the portal at once, through its real pages.

Run by ``make soak`` (bench/soak/run.sh), which seeds the accounts and starts gunicorn. Each
simulated user logs in through the login form (GET for the CSRF token, POST the credentials) with
an account of its own, then mixes reads and writes. Every write the portal confirmed is appended
to $SOAK_RESULTS (JSON lines) so that bench/soak/check.py can prove it is in the database.

With several app servers (``SOAK_HOSTS``, comma-separated base URLs, as ``make soak-scale``
sets), every request goes to one of them picked at random: one user's session, cache and queued
tasks must hold whichever server answers.

A 503 is the portal saying the database cannot be reached (clinic/unavailable.py): during a
fault drill it is expected, so it is not a failure here but appended to $SOAK_UNAVAILABLE, and
bench/soak/check.py fails the run for any 503 outside a database cut.

Writes, and what counts as confirmed:
* a specialist records a consult: 302 to the new consult's page (its id is in the address);
* a patient asks a question about their reading: 302 back, and the page then shows the
  "sent to your care team" message;
* a specialist answers a patient's open question: 302 back, then "Answer sent.".
"""

import http.cookiejar
import itertools
import json
import os
import random
import re
import threading
import time
import uuid

from locust import HttpUser, between, task

DATA = json.loads(open(os.environ["SOAK_DATA"]).read())
PASSWORD = os.environ["SOAK_PASSWORD"]
RESULTS = os.environ["SOAK_RESULTS"]
UNAVAILABLE = os.environ.get("SOAK_UNAVAILABLE", os.devnull)
HOSTS = [host.rstrip("/") for host in os.environ.get("SOAK_HOSTS", "").split(",") if host]
_patients = itertools.cycle(DATA["patients"])
_specialists = itertools.cycle(DATA["specialists"])
_lock = threading.Lock()
CONSULT_URL = re.compile(r"/cases/consults/(\d+)/$")


# The portal marks its cookies Secure, as in production; the soak talks plain HTTP to 127.0.0.1
# (SSL redirect off), so this client process sends Secure cookies back over HTTP anyway. (requests
# copies the session's cookies into a fresh jar per request, so a per-session policy would not do.)
http.cookiejar.DefaultCookiePolicy.return_ok_secure = lambda self, cookie, request: True


def confirmed(kind, **fields):
    with _lock, open(RESULTS, "a") as out:
        out.write(json.dumps({"kind": kind, **fields}) + "\n")


def on_some_server(path):
    """``path`` on one of the app servers picked at random (several: ``SOAK_HOSTS``)."""
    return random.choice(HOSTS) + path if HOSTS else path


def unavailable(response, name):
    """A 503 with the portal's page and Retry-After: recorded, not a failure (see above)."""
    if response.status_code != 503:
        return False
    with _lock, open(UNAVAILABLE, "a") as out:
        page = "back in a moment" in response.text and "Retry-After" in response.headers
        out.write(json.dumps({"at": time.time(), "name": name, "page": page}) + "\n")
    response.success()
    return True


class PortalUser(HttpUser):
    abstract = True
    wait_time = between(0.5, 2.0)

    def username(self):
        raise NotImplementedError

    def on_start(self):
        self.account = self.username()
        self.client.get(on_some_server("/accounts/login/"), name="login page")
        with self.client.post(
            on_some_server("/accounts/login/"),
            data={
                "username": self.account,
                "password": PASSWORD,
                "csrfmiddlewaretoken": self.csrf(),
            },
            allow_redirects=False,
            name="login",
            catch_response=True,
        ) as response:
            if response.status_code != 302:
                response.failure(f"login of {self.account} refused: {response.status_code}")

    def read(self, url, name):
        """GET a page; being sent to the login page (a lost session) is a failure."""
        with self.client.get(on_some_server(url), name=name, catch_response=True) as response:
            if unavailable(response, name):
                return response
            if response.status_code != 200 or "/accounts/login/" in response.url:
                response.failure(f"{name}: {response.status_code} {response.url}")
            return response

    def csrf(self):
        return self.client.cookies.get("csrftoken", "")

    def post_form(self, url, data, name):
        """POST a form without following the redirect; returns the response."""
        data = {**data, "csrfmiddlewaretoken": self.csrf()}
        with self.client.post(
            on_some_server(url), data=data, allow_redirects=False, name=name, catch_response=True
        ) as response:
            if unavailable(response, name):
                return response
            if response.status_code != 302:
                response.failure(f"{name}: {response.status_code}")
            return response

    def message_after(self, response, text, name):
        """Follow a POST's redirect; True when the page shows ``text`` (the success message)."""
        if response.status_code != 302:
            return False
        page = self.read(response.headers["Location"], name)
        return text in page.text


class PatientUser(PortalUser):
    weight = 3

    def username(self):
        with _lock:
            account = next(_patients)
        self.assignment = account["assignment"]
        return account["username"]

    @task(5)
    def dashboard(self):
        self.read("/", "patient dashboard")

    @task(5)
    def read_assignment(self):
        self.read(f"/education/assignments/{self.assignment}/", "assigned article")

    @task(1)
    def ask_question(self):
        url = f"/education/assignments/{self.assignment}/"
        if 'name="question"' not in self.read(url, "assigned article").text:
            return  # the last question is not answered yet
        marker = f"soak question {uuid.uuid4()}"
        url = f"/education/assignments/{self.assignment}/question/"
        response = self.post_form(url, {"question": marker}, "ask question")
        if self.message_after(response, "sent to your care team", "assigned article"):
            confirmed("question", assignment=self.assignment, marker=marker)


class SpecialistUser(PortalUser):
    weight = 2

    def username(self):
        with _lock:
            return next(_specialists)

    @task(4)
    def patient_list(self):
        page = random.randint(1, 1 + len(DATA["patient_ids"]) // 25)
        self.read(f"/cases/patients/?page={page}", "patient list")

    @task(4)
    def patient_page(self):
        pk = random.choice(DATA["patient_ids"])
        self.read(f"/cases/patients/{pk}/", "patient page")

    @task(1)
    def record_consult(self):
        pk = random.choice(DATA["patient_ids"])
        self.read(f"/cases/patients/{pk}/consults/new/", "consult form")
        marker = f"soak consult {uuid.uuid4()}"
        data = {
            "consult_date": "2026-01-15",
            "dominant_pain": "leg",
            "side": "left",
            "symptom_duration_weeks": "10",
            "level": "L4-L5",
            "morphology": "extrusion",
            "zone": "subarticular",
            "imaging_concordant": "true",
            "physiotherapy": "on",
            "conservative_care_weeks": "8",
            "asa_class": "1",
            "smoking": "never",
            "work_status": "working",
            "nrs_back": "3",
            "nrs_leg": "8",
            "notes": marker,
        }
        response = self.post_form(f"/cases/patients/{pk}/consults/new/", data, "record consult")
        match = CONSULT_URL.search(response.headers.get("Location", ""))
        if response.status_code == 302 and match:
            confirmed("consult", id=int(match.group(1)), patient=pk, marker=marker)

    @task(1)
    def answer_question(self):
        account = random.choice(DATA["patients"])
        url = f"/education/assignments/{account['assignment']}/"
        page = self.read(url, "patient's reading")
        if 'name="answer"' not in page.text:
            return  # no open question to answer right now
        marker = f"soak answer {uuid.uuid4()}"
        response = self.post_form(url + "answer/", {"answer": marker}, "answer question")
        if self.message_after(response, "Answer sent.", "patient's reading"):
            confirmed("answer", assignment=account["assignment"], marker=marker)
