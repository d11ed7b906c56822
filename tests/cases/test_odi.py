import pytest
from hypothesis import given
from hypothesis import strategies as st

from cases import odi


def answers(*scores):
    return dict(zip(odi.SECTIONS, scores, strict=False))


def test_all_ten_sections_answered():
    # 0+1+2+3+4+5+0+1+2+3 = 21 of 50 → 42 %
    result = odi.score(answers(0, 1, 2, 3, 4, 5, 0, 1, 2, 3))
    assert result.score == 42.0
    assert result.sections_answered == 10


def test_eight_sections_answered_scores_over_forty():
    # 16 of 40 → 40 %
    result = odi.score(answers(2, 2, 2, 2, 2, 2, 2, 2))
    assert result.score == 40.0
    assert result.is_complete


def test_seven_sections_answered_is_flagged_not_scored():
    result = odi.score(answers(5, 5, 5, 5, 5, 5, 5))
    assert result.score is None
    assert not result.is_complete
    assert result.sections_answered == 7


def test_a_section_marked_twice_takes_the_higher_mark():
    marks = answers(1, 1, 1, 1, 1, 1, 1, 1, 1, 1)
    marks["odi_03"] = [1, 4]
    # 9 + 4 = 13 of 50 → 26 %
    assert odi.score(marks).score == 26.0


def test_blank_sections_do_not_count_as_answered():
    marks = answers(3, 3, 3, 3, 3, 3, 3, 3)
    marks["odi_09"] = None
    marks["odi_10"] = []
    assert odi.score(marks).sections_answered == 8
    assert odi.score(marks).score == 60.0


@pytest.mark.parametrize("bad", [-1, 6])
def test_out_of_range_marks_are_refused(bad):
    with pytest.raises(ValueError):
        odi.score(answers(bad, 0, 0, 0, 0, 0, 0, 0))


def test_unknown_section_codes_are_refused():
    with pytest.raises(ValueError):
        odi.score({"odi_11": 2})


@given(st.lists(st.integers(min_value=0, max_value=5), min_size=8, max_size=10))
def test_score_is_a_percentage_of_the_answered_maximum(marks):
    result = odi.score(answers(*marks))
    assert 0 <= result.score <= 100
    assert result.score == round(sum(marks) / (5 * len(marks)) * 100, 1)
