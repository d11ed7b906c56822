"""Charts readable at a glance (issue 14): the helpers behind their captions, plurals, axes and
legends (cases/charts.py), and what the outcome dashboard and the patient page make of them."""

import json
import re
from decimal import Decimal

import pytest

from cases import charts, outcomes
from cases.models import MinimalImportantChange
from cases.outcomes import Cell
from tests.cases.outcome_data import complete, make_procedure

URL = "/cases/outcomes/"


def contrast(colour, background="#ffffff"):
    """WCAG 2.1 contrast ratio of two sRGB colours."""

    def luminance(hex_colour):
        channels = [int(hex_colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lighter, darker = sorted((luminance(colour), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def json_script(html, element_id):
    match = re.search(
        rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, f"no {element_id} data on the page"
    return json.loads(match.group(1))


# --- headroom -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [(0, 1, 1), (1, 2, 1), (4, 5, 1), (5, 6, 1), (8, 10, 2), (10, 12, 2), (12, 15, 5),
     (60, 80, 20)],
)  # fmt: skip
def test_a_count_axis_ends_a_round_step_above_its_largest_value(largest, top, step):
    assert charts.headroom(largest) == (top, step)


def test_no_bar_ever_touches_the_top_of_its_axis():
    for largest in range(0, 2001):
        top, step = charts.headroom(largest)
        assert top > largest, largest
        assert top % step == 0 and step in _round_steps()
        # Never more than one step of room, never more than six ticks above zero.
        assert top - step <= largest and top // step <= 6


def _round_steps():
    return {m * 10**k for m in (1, 2, 5) for k in range(5)}


def test_a_missing_or_negative_largest_value_gives_the_smallest_axis():
    assert charts.headroom(None) == charts.headroom(-3) == (1, 1)


# --- plurals --------------------------------------------------------------------------------------


def test_length_of_stay_bins_are_counted_in_words():
    assert [charts.nights_label(b) for b in outcomes.STAY_BINS] == [
        "0 nights",
        "1 night",
        "2 nights",
        "3 or more nights",
    ]


@pytest.mark.parametrize(
    ("points", "text"),
    [
        (1, "1 point"),
        (Decimal("1.0"), "1 point"),
        (Decimal("2.0"), "2 points"),
        ("2.7", "2.7 points"),
    ],
)
def test_thresholds_read_in_points_with_the_right_plural(points, text):
    assert charts.points_text(points) == text


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("length_of_stay", 1, "1 night"),
        ("length_of_stay", 0, "0 nights"),
        ("length_of_stay", 2, "2 nights"),
        ("return_to_daily_activities", 1, "1 day"),
        ("return_to_daily_activities", 14, "14 days"),
        ("incision_length", 1, "1 mm"),
    ],
)
def test_a_figure_reads_one_night_and_two_nights(key, value, text):
    spec = outcomes.SPECS[key]
    assert outcomes.display_value(spec, Cell(value=value, n=5, denominator=5)) == text


def test_a_median_of_one_and_a_half_nights_is_plural():
    spec = outcomes.SPECS["length_of_stay"]
    text = outcomes.display_value(spec, Cell(value=1.5, n=4, denominator=4))
    assert text.endswith(" nights") and not text.startswith("1 ")


# --- citations in plain words ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_seeded_sets_are_cited_by_author_journal_and_year():
    ostelo = MinimalImportantChange.objects.active("ostelo-2008").first()
    parai = MinimalImportantChange.objects.active("swespine-2020").first()
    assert charts.short_citation(ostelo.citation) == "Ostelo et al., Spine 2008"
    assert charts.short_citation(parai.citation) == "Parai et al., Eur Spine J 2020"


@pytest.mark.parametrize(
    ("citation", "short"),
    [
        ("Smith J. One author. BMJ 2001;322:1-2.", "Smith, BMJ 2001"),
        ("Smith J, Jones KL. Two. Lancet 1999;353:9-10.", "Smith and Jones, Lancet 1999"),
        ("Smith J, Jones KL, Brown A. Three. Spine J 2015;15:1.", "Smith et al., Spine J 2015"),
        ("van der Berg AB, et al. Particle. Eur Spine J 2020;29:1.",
         "van der Berg et al., Eur Spine J 2020"),
        # Not in the Vancouver style: shown as the superuser entered it.
        ("The clinic's own audit, 2024", "The clinic's own audit, 2024"),
        ("", ""),
    ],
)  # fmt: skip
def test_a_citation_is_shortened_only_when_it_can_be_read(citation, short):
    assert charts.short_citation(citation) == short


@pytest.mark.django_db
def test_thresholds_are_grouped_by_source_in_plain_words_without_internal_codes():
    thresholds = list(MinimalImportantChange.objects.active("ostelo-2008").order_by("measure"))
    [source] = charts.mic_sources(thresholds)
    assert source["source"] == "Ostelo et al., Spine 2008"
    assert source["reference"].startswith("Ostelo RWJG, Deyo RA")
    assert source["thresholds"] == [
        "NRS back pain: 2 points or 30 % of baseline",
        "NRS leg pain: 2 points or 30 % of baseline",
        "ODI: 10 points",
    ]
    assert "ostelo-2008" not in json.dumps(source) and "(v1)" not in json.dumps(source)


# --- readable styles -----------------------------------------------------------------------------


def test_chart_labels_are_at_least_12_px_with_enough_contrast():
    style = charts.text_style()
    assert style["font"]["size"] >= 12
    assert contrast(style["color"]) >= 4.5
    axis = charts.axis("Procedures", top=10, step=2)
    for part in (axis["ticks"], axis["title"]):
        assert part["font"]["size"] >= 12 and contrast(part["color"]) >= 4.5
    assert charts.category_axis()["ticks"]["font"]["size"] >= 12


def test_series_are_told_apart_by_more_than_colour():
    lines = list(charts.MEASURE_STYLES.values())
    assert len({(s["marker"], s["dash"]) for s in lines}) == len(lines)
    assert len({s["marker"] for s in charts.GROUP_STYLES.values()}) == len(charts.GROUP_STYLES)
    for style in [*lines, *charts.GROUP_STYLES.values()]:
        assert contrast(style["colour"]) >= 3  # WCAG 1.4.11, graphics
        assert style["marker"] in charts.MARKERS


# --- the outcome dashboard ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_dashboards_charts_carry_readable_options_and_headroom(client_for, specialist, fixture):
    html = client_for(specialist).get(URL).content.decode()
    data = json_script(html, "outcome-data")
    assert data["text"]["font"]["size"] >= 12 and contrast(data["text"]["color"]) >= 4.5
    for name in ("stay", "nrs", "odi"):
        for scale in data[name]["scales"].values():
            assert scale["ticks"]["font"]["size"] >= 12
            assert contrast(scale["ticks"]["color"]) >= 4.5
    # The fixture: MISS 2 × 0 nights, 2 × 1 night, 1 × 3+; open 1 × 1 night, 2 × 2 nights.
    stay = data["stay"]
    assert stay["labels"] == ["0 nights", "1 night", "2 nights", "3 or more nights"]
    assert [d["data"] for d in stay["datasets"]] == [[2, 2, 0, 1], [0, 1, 2, 0]]
    largest = max(n for d in stay["datasets"] for n in d["data"])
    assert stay["scales"]["y"]["max"] > largest
    # Plain legends in HTML, one entry per dataset drawn.
    for name in ("stay", "nrs", "odi"):
        assert [item["label"] for item in data[name]["legend"]] == [
            d["label"] for d in data[name]["datasets"]
        ]
    assert 'id="stay-legend"' in html and '<svg class="chart-swatch"' in html
    assert "pattern" not in html.split('id="stay-legend"')[1].split("</ul>")[0]


@pytest.mark.django_db
def test_the_dashboard_says_one_night_and_cites_its_thresholds_in_plain_words(
    client_for, specialist, fixture
):
    html = client_for(specialist).get(URL).content.decode()
    assert re.search(r"\b1 nights\b", html) is None
    assert re.search(r"\b1 (day|point)s\b", html) is None
    # The median MISS stay is 1 night; the stay table counts nights in words.
    discharge = html.split('data-figure="length_of_stay"')[1].split("</tr>")[0]
    assert ">1 night<" in discharge
    assert '<th scope="row" class="fw-normal">1 night</th>' in html
    assert "Minimal important change</strong> (Ostelo et al., Spine 2008)" in html
    assert "ostelo-2008" not in html and "(v1)" not in html


@pytest.mark.django_db
def test_every_cell_of_the_figures_table_names_its_column_for_the_phone_layout(
    client_for, specialist, fixture
):
    html = client_for(specialist).get(URL).content.decode()
    table = html.split('id="outcome-table"')[1].split("</table>")[0]
    cells = re.findall(r"<td[^>]*>", table)
    assert cells and all("data-label=" in cell for cell in cells)
    assert table.count('data-label="Open surgery"') == table.count('data-label="MISS"') > 0


@pytest.mark.django_db
def test_an_editor_gets_no_dataset_nor_legend_for_withheld_figures(client_for, editor, fixture):
    html = client_for(editor).get(URL).content.decode()
    data = json_script(html, "outcome-data")
    # Five MISS and three open procedures: too few to report either group outside the team.
    assert data["stay"]["datasets"] == data["stay"]["legend"] == []
    assert data["nrs"]["datasets"] == data["nrs"]["legend"] == []
    assert "Nothing to draw: no figures yet, or too few patients to report." in html


# --- the patient page -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_patient_chart_caption_cites_the_source_in_plain_words(client_for, specialist):
    procedure = make_procedure(technique="tubular", incision=15, nights=1, baseline=(5, 7, 40))
    complete(procedure, "2w", back=3, leg=2, odi=20)
    patient = procedure.decision.consult.patient
    html = client_for(specialist).get(patient.get_absolute_url()).content.decode()
    chart = json_script(html, "outcome-chart-data")
    [series] = chart["series"]
    assert series["mic_sources"] == ["Ostelo et al., Spine 2008"]
    assert series["bands"]["nrs_leg"]["label"] == "NRS leg pain: 2 points or 30 % of baseline"
    assert "Minimal important change: Ostelo et al., Spine 2008." in html
    assert "ostelo-2008" not in html and "(v1)" not in html
    # Readable axes, and a plain legend: one line per measure charted, one band per MIC band.
    for scale in chart["scales"].values():
        assert scale["ticks"]["font"]["size"] >= 12
        assert contrast(scale["ticks"]["color"]) >= 4.5
    assert [item["label"] for item in series["legend"]] == [
        "NRS back",
        "NRS leg",
        "ODI",
        "NRS back: within the MIC of baseline",
        "NRS leg: within the MIC of baseline",
        "ODI: within the MIC of baseline",
    ]
    assert [item["kind"] for item in series["legend"]] == ["line"] * 3 + ["band"] * 3
    # The script's own words come with the data, in the reader's language.
    assert chart["words"] == {
        "baseline": "Baseline",
        "band_upper": "%(measure)s: baseline",
        "band_lower": "%(measure)s: MIC band",
    }
    assert 'class="chart-swatch"' in html and "css/charts.css" in html


@pytest.mark.django_db
def test_the_patient_chart_legend_leaves_out_a_measure_never_recorded(client_for, specialist):
    procedure = make_procedure(technique="tubular", incision=15, nights=0, baseline=(5, 7, None))
    complete(procedure, "2w", back=3, leg=2)
    patient = procedure.decision.consult.patient
    html = client_for(specialist).get(patient.get_absolute_url()).content.decode()
    [series] = json_script(html, "outcome-chart-data")["series"]
    assert [item["label"] for item in series["legend"] if item["kind"] == "line"] == [
        "NRS back",
        "NRS leg",
    ]
