"""``load_instrument``: the clinic's licensed wording is loaded from a file, never shipped."""

import copy
import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cases import odi
from cases.models import Instrument

pytestmark = pytest.mark.django_db
PLACEHOLDER = Path(__file__).resolve().parents[1] / "fixtures" / "odi_placeholder.json"


@pytest.fixture
def wording():
    return json.loads(PLACEHOLDER.read_text())


def load(tmp_path, data, name="odi.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data) if not isinstance(data, str) else data)
    out = StringIO()
    call_command("load_instrument", "odi", str(path), stdout=out)
    return out.getvalue()


def test_placeholder_file_loads_as_the_active_wording(tmp_path, wording):
    output = load(tmp_path, wording)
    instrument = Instrument.objects.get()
    assert instrument.is_active
    assert (instrument.code, instrument.version, instrument.language) == (
        "odi",
        "placeholder-1",
        "en",
    )
    assert [s["code"] for s in instrument.sections] == list(odi.SECTIONS)
    assert instrument.sections[0]["options"][5] == "Section 1 placeholder option 5"
    assert "Loaded" in output


def test_the_shipped_fixture_holds_placeholder_wording_only(wording):
    texts = [o for s in wording["sections"] for o in s["options"]]
    assert len(texts) == 60
    assert all("placeholder" in text for text in texts)


def test_loading_the_same_file_twice_changes_nothing(tmp_path, wording):
    load(tmp_path, wording)
    output = load(tmp_path, wording)
    assert "nothing changed" in output
    assert Instrument.objects.count() == 1


def test_a_new_version_replaces_the_active_one(tmp_path, wording):
    load(tmp_path, wording)
    wording["version"] = "placeholder-2"
    wording["sections"][0]["title"] = "Section 1 placeholder title, revised"
    load(tmp_path, wording)
    active = Instrument.objects.active().get()
    assert active.version == "placeholder-2"
    assert Instrument.objects.count() == 2
    # Never another language's wording: a Spanish check-in without Spanish wording has no ODI.
    assert Instrument.objects.for_language("odi", "es") is None


def test_each_language_has_its_own_active_wording(tmp_path, wording):
    load(tmp_path, wording)
    wording["language"] = "es"
    load(tmp_path, wording)
    assert Instrument.objects.for_language("odi", "es").language == "es"
    assert Instrument.objects.for_language("odi", "en").language == "en"


def test_different_wording_under_a_loaded_version_is_refused(tmp_path, wording):
    load(tmp_path, wording)
    changed = copy.deepcopy(wording)
    changed["sections"][3]["options"][0] = "Section 4 other placeholder"
    with pytest.raises(CommandError, match="new version"):
        load(tmp_path, changed)
    assert Instrument.objects.get().sections == wording["sections"]


def broken(mutate):
    data = json.loads(PLACEHOLDER.read_text())
    mutate(data)
    return data


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("{not json", "not valid JSON"),
        (broken(lambda d: d.update(instrument="sf36")), '"instrument" must be "odi"'),
        (broken(lambda d: d.pop("version")), '"version"'),
        (broken(lambda d: d.update(language="fr")), '"language"'),
        (broken(lambda d: d["sections"].pop()), "exactly odi_01"),
        (broken(lambda d: d["sections"].reverse()), "in that order"),
        (broken(lambda d: d["sections"][2].update(code="odi_11")), "exactly odi_01"),
        (broken(lambda d: d["sections"][4]["options"].pop()), "Section odi_05 needs exactly 6"),
        (broken(lambda d: d["sections"][4]["options"].append("x")), "needs exactly 6"),
        (broken(lambda d: d["sections"][1]["options"].__setitem__(0, " ")), "needs exactly 6"),
        (broken(lambda d: d["sections"][1].update(title="")), "odi_02 needs a title"),
    ],
)
def test_an_invalid_file_is_refused_with_a_clear_message_and_nothing_loaded(
    tmp_path, data, message
):
    with pytest.raises(CommandError, match=message.replace("(", r"\(")):
        load(tmp_path, data)
    assert not Instrument.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("load_instrument", "odi", str(tmp_path / "nope.json"))


def test_only_known_instruments_can_be_named(tmp_path):
    with pytest.raises(CommandError):
        call_command("load_instrument", "sf36", str(PLACEHOLDER))
