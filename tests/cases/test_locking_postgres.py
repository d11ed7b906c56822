"""Two specialists save the same consult at once: exactly one save wins, the other is refused.

Each editor opens the edit page (and so holds the version it loaded), then both post the real
form. On PostgreSQL the two posts run in two threads, released together by a barrier, 50 times:
the row lock in ``save_if_current`` must serialise them so that the second sees the new version
and refuses. SQLite has one writer at a time, so there the same 50 trials run one after the
other, which checks the refusal path itself. Either way: no lost update, ever.
"""

import threading

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from cases.forms import ConsultForm
from cases.models import Consult
from clinic.models import STALE_MESSAGE, AuditEvent
from tests import factories

TRIALS = 50


def _open_edit_page(client, consult):
    """What a browser does first: GET the form; the hidden field carries the version."""
    response = client.get(reverse("cases:consult_edit", args=[consult.pk]))
    assert response.status_code == 200
    return response.context["form"]["version"].value()


def _post(client, consult, data, version, nrs_leg, label):
    form = {**data, "version": str(version), "nrs_leg": str(nrs_leg), "notes": label}
    response = client.post(reverse("cases:consult_edit", args=[consult.pk]), form)
    if response.status_code == 302:
        return "saved"
    assert response.status_code == 200, response.status_code
    assert STALE_MESSAGE in response.content.decode()
    return "refused"


@pytest.fixture
def editors(specialist, other_specialist):
    clients = []
    for user in (specialist, other_specialist):
        client = Client()
        client.force_login(user)
        clients.append(client)
    return clients


def _check_trial(consult, trial, version_before, results, values):
    assert sorted(results.values()) == ["refused", "saved"], f"trial {trial}: {results}"
    winner = next(label for label, outcome in results.items() if outcome == "saved")
    consult.refresh_from_db()
    # The database holds the winner's save, whole, and only one new version.
    assert (consult.notes, consult.nrs_leg) == (winner, values[winner]), f"trial {trial}"
    assert consult.version == version_before + 1
    return winner


def _race(editors, consult, data, version, values):
    """Both editors post at the same moment, each from its own thread and connection."""
    barrier, results = threading.Barrier(2, timeout=10), {}

    def save(client, label):
        try:
            barrier.wait()
            results[label] = _post(client, consult, data, version, values[label], label)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=save, args=(client, label))
        for client, label in zip(editors, values, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@pytest.mark.django_db(transaction=True)
def test_fifty_simultaneous_saves_of_one_consult_never_lose_an_update(
    editors, specialist, consult_data
):
    consult = factories.ConsultFactory(specialist=specialist)
    assert [_open_edit_page(client, consult) for client in editors] == [1, 1]
    updates_before = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count()
    wins = {"a": 0, "b": 0}
    for trial in range(TRIALS):
        # Both editors load the record (and its version) before either saves.
        version = ConsultForm(instance=Consult.objects.get(pk=consult.pk)).initial["version"]
        values = {f"trial {trial} a": 2 + trial % 4, f"trial {trial} b": 6 + trial % 4}
        if connection.vendor == "postgresql":
            results = _race(editors, consult, consult_data, version, values)
        else:
            results = {
                label: _post(client, consult, consult_data, version, values[label], label)
                for client, label in zip(editors, values, strict=True)
            }
        winner = _check_trial(consult, trial, version, results, values)
        wins[winner[-1]] += 1

    assert sum(wins.values()) == TRIALS
    # One audited update per trial: the refused save wrote nothing.
    updates = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).count() - updates_before
    assert updates == TRIALS
    assert Consult.objects.get(pk=consult.pk).version == 1 + TRIALS
