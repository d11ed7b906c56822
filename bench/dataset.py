"""The benchmarks' dataset: a clinic's history of N procedures, on SQLite or PostgreSQL.

    DATABASE_URL=... .venv/bin/python bench/dataset.py [--procedures 10000] [--out targets.json]
    DATABASE_URL=... .venv/bin/python bench/dataset.py --describe --out targets.json

Builds, in a migrated scratch database: N operated patients (a consult, a decision for surgery,
the procedure, its five follow-ups — completed, overdue, due or scheduled as their windows fall
— some adverse events and assigned reading), three in ten as many patients who were not operated
(a consult and a conservative, work-up or referral decision; conservative care is followed too),
a few patient check-ins, and the accounts the benchmarks sign in as (``SPECIALIST``,
``PATIENT``, ``EDITOR``; password ``PASSWORD``; the staff ones with a TOTP device of known key).
The published articles are imported first (``education/content/``), as assignments need one.

Rows are inserted in bulk with explicit ids (COPY on PostgreSQL), because the database is thrown
away; every derived value (follow-up schedule, length of stay, adverse-event timing, the
decision's criteria) is still computed by the models' own methods, and the rows obey the models'
rules and the database's constraints (tests/test_bench_dataset.py checks both). No history rows
are written, so the outcome figures refreshed after a build are current.

``--out`` writes what the benchmarks need (accounts, TOTP keys, the ids behind each page) as
JSON; ``--describe`` only does that, for a database built before.
"""

import argparse
import datetime
import functools
import hashlib
import json
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PASSWORD = "bench-password-2026"
SPECIALIST, PATIENT, EDITOR = "bench-specialist", "bench-patient", "bench-editor"
SURGEONS = 4  # the bench specialist and three colleagues; patients and operations rotate
ARTICLE_SLUG = "miss-spinal-herniations"
UNOPERATED_PER_OPERATED = 0.3
YEARS = 5  # of clinical history
FLUSH_ROWS = 50_000  # follow-ups held in memory before the rows are inserted
FAMILY_NAMES = (
    "Garcia Smith Muller Rossi Dubois Kowalski Nielsen Silva Jensen Novak Horvat Ivanov Popescu "
    "Papadopoulos Yilmaz Murphy Kelly Walsh Brown Taylor Wilson Johnson Martin Bernard Moreau "
    "Laurent Fischer Weber Meyer Wagner Becker Schulz Romano Colombo Ricci Fernandez Lopez "
    "Martinez Sanchez Perez Gomez Costa Santos Ferreira Pereira Andersen Larsen Hansen Berg Lind"
).split()
GIVEN_NAMES = (
    "Ana Ben Carla David Eva Farid Grace Hugo Ines Jon Karin Luca Mia Nora Omar Paula Quinn Rosa "
    "Sami Tara Uma Victor Wanda Xavier Yara Zoltan Alice Bruno Chloe Daniel Elena Felix Greta "
    "Henrik Ida Jakob Lea Marco Nina Oscar"
).split()


def totp_key(username):
    """The hex key of ``username``'s TOTP device: fixed, so the benchmark can compute codes."""
    return hashlib.sha1(f"bench-totp-{username}".encode()).hexdigest()


def build(procedures=10_000, *, seed=13, verbose=True):
    """Build the dataset in the current (migrated, scratch) database; return describe()."""
    from django.core.management import call_command
    from django.db import connection, transaction

    from clinic.models import Patient

    if Patient.objects.filter(mrn__startswith="BN").exists():
        raise SystemExit("This database already holds a bench dataset: build into a new one.")
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        call_command("import_articles", str(ROOT / "education" / "content"), stdout=quiet)
    with transaction.atomic():
        users = _accounts()
        counts = _Builder(procedures, users, random.Random(seed)).run()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would gather
    if verbose:
        summary = ", ".join(f"{n} {name}" for name, n in counts.items())
        print(
            f"dataset: {summary} in {time.perf_counter() - started:.1f} s ({connection.vendor})",
            flush=True,
        )
    return describe()


def _accounts():
    """The bench accounts (and the surgeons), with their roles and TOTP devices."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.auth.models import Group
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from clinic import roles
    from clinic.models import User

    names = {SPECIALIST: roles.SPECIALISTS, PATIENT: roles.PATIENTS, EDITOR: roles.CONTENT_EDITORS}
    names.update({f"bench-surgeon-{i}": roles.SPECIALISTS for i in range(2, SURGEONS + 1)})
    users = {}
    password = make_password(PASSWORD)  # hashed once: the hasher is slow on purpose
    for username, role in names.items():
        user = User(
            username=username,
            first_name=username.split("-")[1].title(),
            last_name=username.split("-")[-1].title(),
            email=f"{username}@example.org",
            is_staff=role != roles.PATIENTS,
        )
        user.password = password
        user.save()
        user.groups.add(Group.objects.get(name=role))
        if user.is_staff:
            TOTPDevice.objects.create(
                user=user, name="Bench authenticator", key=totp_key(username), confirmed=True
            )
        users[username] = user
    return users


def describe():
    """What the benchmarks need: accounts, TOTP keys and the ids behind each page.

    Also makes the staff devices accept a fresh code again (a scratch database, reused)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from cases.models import Procedure
    from clinic.models import Patient
    from education.models import Article

    TOTPDevice.objects.filter(user__username__in=[SPECIALIST, EDITOR]).update(
        last_t=-1, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    patient = Patient.objects.get(user__username=PATIENT)
    return {
        "password": PASSWORD,
        "accounts": {"specialist": SPECIALIST, "patient": PATIENT, "editor": EDITOR},
        "totp_keys": {name: totp_key(name) for name in (SPECIALIST, EDITOR)},
        "article_slug": ARTICLE_SLUG,
        "assignment": patient.assignments.get().pk,
        "patient": patient.pk,
        # Another patient, who gets the consults the benchmark posts.
        "consult_patient": Patient.objects.get(mrn="BN0000001").pk,
        "procedures": Procedure.objects.count(),
        "patients": Patient.objects.count(),
        "article": Article.objects.get(slug=ARTICLE_SLUG, language="en").pk,
    }


@functools.cache
def _aware(day, hour, minute=0):
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))


class _Builder:
    """One build: rows as dicts keyed by attname, with ids given here, inserted per model."""

    def __init__(self, n, users, rng):
        from django.utils import timezone

        self.n, self.rng, self.users = n, rng, users
        self.today, self.now = timezone.localdate(), timezone.now()
        self.surgeons = [users[SPECIALIST].pk] + [
            users[f"bench-surgeon-{i}"].pk for i in range(2, SURGEONS + 1)
        ]
        self.rows = {name: [] for name in ROW_MODELS}
        self.next_id = {}

    def new_id(self, name):
        if name not in self.next_id:
            self.next_id[name] = _max_id(name)
        self.next_id[name] += 1
        return self.next_id[name]

    def run(self):
        from education.models import Article

        article = Article.objects.get(slug=ARTICLE_SLUG, language="en")
        self.article, self.version = article.pk, article.published_version_id
        unoperated = round(self.n * UNOPERATED_PER_OPERATED)
        counts = dict.fromkeys(ROW_MODELS, 0)
        for i in range(self.n + unoperated):
            self.patient(i, operated=i < self.n)
            if len(self.rows["followup"]) >= FLUSH_ROWS:
                self.flush(counts)
        self.flush(counts)
        _reset_sequences()
        return counts

    def flush(self, counts):
        """Insert the rows made so far (foreign keys are checked at commit, on both databases)."""
        for name, rows in self.rows.items():
            _insert(name, rows)
            counts[name] += len(rows)
            rows.clear()

    def patient(self, i, *, operated):
        rng = self.rng
        surgeon = self.surgeons[i % SURGEONS]
        if i == 0:
            operated_on = self.today - datetime.timedelta(days=40)  # the 6-week check-in is due
        else:
            operated_on = self.today - datetime.timedelta(days=rng.randint(4, YEARS * 365))
        consulted = operated_on - datetime.timedelta(days=rng.randint(14, 90))
        born = datetime.date(consulted.year - rng.randint(22, 82), rng.randint(1, 12), 15)
        patient = self.new_id("patient")
        if i == 0:
            self.bench_patient = patient
        self.rows["patient"].append(
            {
                "id": patient,
                "mrn": f"BN{i:07d}",
                "given_name": GIVEN_NAMES[i % len(GIVEN_NAMES)],
                "family_name": FAMILY_NAMES[(i * 7) % len(FAMILY_NAMES)],
                "date_of_birth": born,
                "sex": ("female", "male")[i % 2],
                "email": f"bn{i}@example.org",
                "user_id": self.users[PATIENT].pk if i == 0 else None,
                "primary_specialist_id": surgeon,
                "created_at": _aware(consulted, 9),
                "updated_at": _aware(consulted, 9),
            }
        )
        profile = rng.choices(*_profiles())[0]
        consult = self.consult(patient, surgeon, consulted, profile)
        if operated:
            outcome = "miss" if rng.random() < 0.7 else "open"
        else:
            outcome = rng.choice(("conservative", "conservative", "workup", "refer"))
        decided_on = min(consulted + datetime.timedelta(days=rng.randint(0, 7)), operated_on)
        decision = self.new_id("decision")
        self.rows["decision"].append(
            {
                "id": decision,
                "patient_id": patient,
                "consult_id": consult["id"],
                "outcome": outcome,
                "severity_assessment": rng.choice(("favours", "favours", "neutral")),
                "health_assessment": rng.choice(("favours", "neutral")),
                "symptoms_assessment": rng.choice(("favours", "favours", "against")),
                "rationale": "Benchmark decision.",
                "red_flags_acknowledged": profile.red_flags,
                "criteria": profile.criteria,
                "decided_on": decided_on,
                "decided_by_id": surgeon,
                "decided_at": _aware(decided_on, 12, rng.randint(0, 59)),
                "recorded_by_id": surgeon,
                "recorded_at": _aware(decided_on, 12, 30),
            }
        )
        if not operated:
            if outcome == "conservative":
                for timepoint in TIMEPOINTS:
                    self.follow_up(("decision", decision), decided_on, timepoint, consult, surgeon)
            return
        procedure = self.procedure(i, patient, decision, surgeon, operated_on, consult, outcome)
        for timepoint in TIMEPOINTS:
            self.follow_up(("procedure", procedure), operated_on, timepoint, consult, surgeon)
        if i == 0 or rng.random() < 0.03:
            self.adverse_event(patient, procedure, operated_on, surgeon)
        if i == 0 or rng.random() < 0.25:
            self.assignment(i, patient, surgeon, consulted)

    def consult(self, patient, surgeon, day, profile):
        rng = self.rng
        row = {
            **profile.fields,
            "id": self.new_id("consult"),
            "patient_id": patient,
            "specialist_id": surgeon,
            "consult_date": day,
            "mri_date": day - datetime.timedelta(days=rng.randint(3, 60)),
            "nrs_back": rng.randint(2, 7),
            "nrs_leg": rng.randint(5, 10),
            "odi_score": rng.randint(25, 65) if rng.random() < 0.9 else None,
            "recorded_by_id": surgeon,
            "recorded_at": _aware(day, 11),
        }
        self.rows["consult"].append(row)
        return row

    def procedure(self, i, patient, decision, surgeon, day, consult, outcome):
        rng = self.rng
        if outcome == "open":
            technique, incision, stay = "open", rng.randint(25, 60), rng.randint(1, 3)
        else:
            technique = rng.choice(("fe_transforaminal", "fe_interlaminar", "tubular"))
            incision = rng.randint(7, 25)
            stay = rng.choices((0, 1, 2), (75, 20, 5))[0]
        admitted = _aware(day, 7)
        discharged = None
        if i % 500 != 7:  # a few without a discharge recorded yet
            discharge_day = day + datetime.timedelta(days=stay)
            discharged = _aware(discharge_day, 18 if stay == 0 else 11, rng.randint(0, 59))
        row = {
            "id": self.new_id("procedure"),
            "patient_id": patient,
            "decision_id": decision,
            "surgeon_id": surgeon,
            "procedure_date": day,
            "technique": technique,
            "level": consult["level"],
            "side": "left" if consult["side"] == "bilateral" else consult["side"],
            "incision_length_mm": incision,
            "skin_to_skin_minutes": rng.randint(35, 150),
            "blood_loss_ml": rng.randint(5, 300),
            "converted_to_open": technique != "open" and rng.random() < 0.03,
            "admitted_at": admitted,
            "discharged_at": discharged,
            "recorded_by_id": surgeon,
            "recorded_at": _aware(day, 20),
            **_stay(day, admitted, discharged),
        }
        self.rows["procedure"].append(row)
        return row["id"]

    def follow_up(self, anchor, day, timepoint, consult, surgeon):
        rng, today = self.rng, self.today
        kind, anchor_id = anchor
        anchor_date, due, opens, closes = _schedule(kind, day, timepoint)
        row = {
            "id": self.new_id("followup"),
            "patient_id": consult["patient_id"],
            f"{kind}_id": anchor_id,
            "timepoint": timepoint,
            "anchor_date": anchor_date,
            "due_date": due,
            "window_opens": opens,
            "window_closes": closes,
            "recorded_by_id": surgeon,
            "recorded_at": _aware(day, 20),
        }
        self.rows["followup"].append(row)
        is_bench_patient = consult["patient_id"] == self.bench_patient
        if closes < today:
            answered = rng.random() < (1 if is_bench_patient else 0.82)
        elif opens <= today:
            answered = not is_bench_patient and rng.random() < 0.25
        else:
            answered = False
        if not answered:
            return
        assessed = min(max(due + datetime.timedelta(days=rng.randint(-4, 4)), opens), closes)
        assessed = min(assessed, today)
        if closes + datetime.timedelta(days=5) < today and rng.random() < 0.01:
            assessed = closes + datetime.timedelta(days=5)
            row["out_of_window_reason"] = "Seen late: the patient was travelling."
        back, leg = rng.randint(0, 3), rng.randint(2, 7)
        returned = anchor_date + datetime.timedelta(days=rng.randint(0, 14))
        work = anchor_date + datetime.timedelta(days=rng.randint(10, 60))
        row.update(
            source="patient" if rng.random() < 0.05 else "specialist",
            assessed_on=assessed,
            completed_at=min(_aware(assessed, 15), self.now),
            nrs_back=max(consult["nrs_back"] - back, 0),
            nrs_leg=max(consult["nrs_leg"] - leg, 0),
            odi_score=max((consult["odi_score"] or 40) - rng.randint(5, 35), 0),
            satisfaction=rng.choices((1, 2, 3, 4), (55, 25, 12, 8))[0],
            global_perceived_effect=rng.choice(GLOBAL_EFFECTS),
            returned_to_daily_activities_on=min(returned, assessed),
            returned_to_work_on=work if work <= assessed else None,
        )

    def adverse_event(self, patient, procedure, day, surgeon):
        rng = self.rng
        onset = min(
            day + datetime.timedelta(days=rng.choice((0, 1, 3, 10, 25, 45, 120))), self.today
        )
        self.rows["adverseevent"].append(
            {
                "id": self.new_id("adverseevent"),
                "patient_id": patient,
                "procedure_id": procedure,
                "event_type": rng.choice(ADVERSE_EVENT_TYPES),
                "onset_date": onset,
                "clavien_dindo_grade": rng.choice(("I", "I", "II", "IIIa", "IIIb")),
                "recorded_by_id": surgeon,
                "recorded_at": _aware(onset, 16),
                **_timing(day, onset),
            }
        )

    def assignment(self, i, patient, surgeon, day):
        rng = self.rng
        assigned = _aware(day, 13)
        state = "opened" if i == 0 else rng.choices(STATES, (40, 30, 20, 8, 2))[0]
        row = {
            "id": self.new_id("assignment"),
            "patient_id": patient,
            "article_id": self.article,
            "version_id": self.version,
            "assigned_by_id": surgeon,
            "note": "Please read this before our next visit.",
            "assigned_at": assigned,
        }
        steps = STATES.index(state)
        if steps >= 1:
            row["first_opened_at"] = assigned + datetime.timedelta(days=1)
        if state == "understood":
            row["understood_at"] = assigned + datetime.timedelta(days=2)
        if steps >= 3:
            row.update(question="How long until I can drive?")
            row["asked_at"] = assigned + datetime.timedelta(days=2)
        if steps == 4:
            row.update(answer="Usually after two weeks.", answered_by_id=surgeon)
            row["answered_at"] = assigned + datetime.timedelta(days=3)
        self.rows["assignment"].append(row)


TIMEPOINTS = ("2w", "6w", "3m", "12m", "24m")
STATES = ("new", "opened", "understood", "question", "answered")
GLOBAL_EFFECTS = ("completely_recovered", "much_improved", "much_improved", "slightly_improved")
ADVERSE_EVENT_TYPES = ("dural_tear", "haematoma", "ssi", "recurrence", "readmission", "dvt_pe")


class _Profile:
    """A consult's clinical findings, shared by many consults; its checklist computed once."""

    def __init__(self, **fields):
        from cases.models import Consult

        base = {
            "dominant_pain": "leg",
            "side": "left",
            "symptom_duration_weeks": 12,
            "level": "L4-L5",
            "morphology": "extrusion",
            "zone": "subarticular",
            "imaging_concordant": True,
            "physiotherapy": True,
            "medication": True,
            "conservative_care_weeks": 8,
            "asa_class": 1,
            "smoking": "never",
            "work_status": "working",
        }
        self.fields = {**base, **fields}
        consult = Consult(**self.fields)
        self.criteria = consult.candidacy_criteria()
        self.red_flags = consult.has_red_flags


@functools.cache
def _profiles():
    variants = [
        {},
        {"level": "L5-S1", "side": "right", "bmi": 27.5},
        {"level": "L5-S1", "morphology": "sequestration", "weakness": True, "mrc_grade": 4},
        {"level": "L3-L4", "zone": "foraminal", "smoking": "current", "asa_class": 2},
        {"dominant_pain": "equal", "conservative_care_weeks": 4, "work_status": "sick_leave"},
        {"dominant_pain": "back", "imaging_concordant": None, "conservative_care_weeks": None},
        {"side": "bilateral", "zone": "central", "numbness": True, "diabetes": True},
        {"imaging_concordant": False, "injection": True, "asa_class": 3, "bmi": 34.0},
        {"red_flag_progressive_deficit": True, "weakness": True, "mrc_grade": 3},
        {"level": "L4-L5", "second_level": "L5-S1", "prior_surgery_at_level": True},
    ]
    return [_Profile(**variant) for variant in variants], [30, 20, 10, 8, 8, 6, 6, 5, 2, 5]


def consult_form(day):
    """The consult form's POST data for the commonest findings (what bench/pages.py posts)."""
    data = {"consult_date": day.isoformat(), "nrs_back": "3", "nrs_leg": "7"}
    for name, value in _profiles()[0][0].fields.items():
        if name == "imaging_concordant":  # a yes/no/unknown choice, not a checkbox
            data[name] = {True: "true", False: "false", None: "unknown"}[value]
        elif value is True:
            data[name] = "on"
        elif value is not False and value is not None:
            data[name] = str(value)
    return data


@functools.cache
def _schedule(kind, day, timepoint):
    """The follow-up's schedule from FollowUp.schedule(), for an anchor on ``day``."""
    follow_up = _scratch()[kind]
    follow_up.timepoint = timepoint
    if kind == "procedure":
        follow_up.procedure.procedure_date = day
    else:
        follow_up.decision.decided_on = day
    return follow_up.schedule()


def _stay(day, admitted, discharged):
    """The derived stay, from Procedure.compute_stay()."""
    procedure = _scratch()["stay"]
    procedure.procedure_date, procedure.admitted_at, procedure.discharged_at = (
        day,
        admitted,
        discharged,
    )
    procedure.compute_stay()
    return {name: getattr(procedure, name) for name in procedure.DERIVED}


@functools.cache
def _timing(day, onset):
    """The adverse event's timing, from AdverseEvent.compute_timing()."""
    event = _scratch()["event"]
    event.procedure.procedure_date, event.onset_date = day, onset
    event.compute_timing()
    return {name: getattr(event, name) for name in event.DERIVED}


@functools.cache
def _scratch():
    """Unsaved records whose methods compute the derived values (made once: model instances
    are slow to create, and only their inputs change)."""
    from cases.models import AdverseEvent, CandidacyDecision, FollowUp, Procedure

    return {
        "procedure": FollowUp(procedure=Procedure(pk=1)),
        "decision": FollowUp(decision=CandidacyDecision(pk=1)),
        "stay": Procedure(),
        "event": AdverseEvent(procedure=Procedure(pk=1)),
    }


def _models():
    from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure
    from clinic.models import Patient
    from education.models import Assignment

    return {
        "patient": Patient,
        "consult": Consult,
        "decision": CandidacyDecision,
        "procedure": Procedure,
        "followup": FollowUp,
        "adverseevent": AdverseEvent,
        "assignment": Assignment,
    }


# Insertion order: what a row refers to comes first.
ROW_MODELS = ("patient", "consult", "decision", "procedure", "followup", "adverseevent")
ROW_MODELS += ("assignment",)


def _max_id(name):
    from django.db.models import Max

    return _models()[name].objects.aggregate(top=Max("pk"))["top"] or 0


# Columns whose Python values the database driver takes as they are (str, int, bool, None).
AS_IS = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "ForeignKey",
    "IntegerField",
    "OneToOneField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
}


def _converter(field):
    """The field's own conversion to a database value, memoised (dates repeat a lot)."""
    from django.db import connection

    if field.get_internal_type() in AS_IS:
        return None
    memo, shared = {}, {}

    def convert(value):
        try:
            return memo[value]
        except KeyError:
            memo[value] = field.get_db_prep_save(value, connection)
            return memo[value]
        except TypeError:
            # Lists and dicts (the JSON columns) are shared objects here: kept by identity.
            if id(value) not in shared:
                shared[id(value)] = (value, field.get_db_prep_save(value, connection))
            return shared[id(value)][1]

    return convert


def _insert(name, rows):
    """Insert ``rows`` (dicts by attname; missing columns take the field's default)."""
    from django.db import connection

    model = _models()[name]
    fields = model._meta.concrete_fields
    defaults = [field.get_default() if field.has_default() else _blank(field) for field in fields]
    converters = [_converter(field) for field in fields]
    columns = list(zip([field.attname for field in fields], defaults, strict=True))
    converted = [(i, convert) for i, convert in enumerate(converters) if convert is not None]

    def values(row):
        out = [row.get(attname, default) for attname, default in columns]
        if REQUIRED in out:
            missing = [attname for attname, default in columns if attname not in row]
            raise ValueError(f"{model.__name__} needs a value for {', '.join(missing)}")
        for i, convert in converted:
            out[i] = convert(out[i])
        return out

    table = connection.ops.quote_name(model._meta.db_table)
    names = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(values(row))
            return
        marks = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, [values(row) for row in rows[start : start + 5000]])


def _blank(field):
    """The value of a column the builder leaves out: empty text, or NULL."""
    if field.null:
        return None
    if field.get_internal_type() in ("CharField", "TextField", "SlugField"):
        return ""
    return REQUIRED


REQUIRED = object()


def _reset_sequences():
    """PostgreSQL: the id sequences continue after the ids given here (SQLite follows by
    itself)."""
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(_models().values()))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def setup():
    """Configure Django for a bench script, on ``DATABASE_URL``."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "true")
    # No background worker here: saving a record must not need one.
    os.environ.setdefault("DJANGO_TASKS_BACKEND", "django_tasks.backends.dummy.DummyBackend")
    import django

    django.setup()


def scratch(prefix):
    """Django on a throwaway, migrated SQLite database (or on ``DATABASE_URL``, used as is: a
    scratch one), with the developer's settings: for the scripts that time code in-process."""
    from django.core.management import call_command

    directory = tempfile.mkdtemp(prefix=prefix)
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{directory}/bench.sqlite3")
    os.environ["DJANGO_DEBUG"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    setup()
    call_command("migrate", verbosity=0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--procedures", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--describe", action="store_true", help="only write --out")
    parser.add_argument("--out", help="write the accounts and page ids here (JSON)")
    parser.add_argument("--migrate", action="store_true", help="migrate the database first")
    args = parser.parse_args()
    setup()
    if args.migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0)
    targets = describe() if args.describe else build(args.procedures, seed=args.seed)
    if args.out:
        Path(args.out).write_text(json.dumps(targets, indent=1))


if __name__ == "__main__":
    main()
