"""The clinical records' CHECK constraints are validated in Python (``clinic.constraints``), not
with a query each: Python must refuse exactly what the database refuses. For every CHECK
constraint of every clinical model, hypothesis draws values for the fields it reads (NULL, the
constraint's own bounds and their neighbours, the ends of each column, junk text) onto an
otherwise valid row; the row is then inserted as it is, bypassing the model, and the table's
CHECK constraints answer. Python's verdict over all the model's checks must be the same.
"""

import datetime
import decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import CheckConstraint, F, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases import services
from cases.models import AdverseEvent, CandidacyDecision, Consult, FollowUp, Procedure
from clinic.constraints import CheckedInPython, NotInPython, verdict
from tests import factories
from tests.examples import examples

pytestmark = pytest.mark.django_db

SETTINGS = settings(
    max_examples=examples(60),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

MODELS = [Consult, CandidacyDecision, Procedure, AdverseEvent, FollowUp]


def checks(model):
    return [c for c in model._meta.constraints if isinstance(c, CheckConstraint)]


CONSTRAINTS = [(model, check) for model in MODELS for check in checks(model)]


# --- the row: valid, unsaved, with every related row in place -----------------------------------


def valid_row(model, specialist):
    """An unsaved row of ``model`` that passes every check; inserting it breaks no unique
    constraint (its decision has no procedure, its anchor no follow-up)."""
    consult = factories.ConsultFactory(specialist=specialist)
    if model is Consult:
        return factories.ConsultFactory.build(
            patient=consult.patient, specialist=specialist, recorded_by=specialist
        )
    decision = factories.CandidacyDecisionFactory(consult=consult)
    if model is CandidacyDecision:
        row = factories.CandidacyDecisionFactory.build(consult=consult)
        row.patient = consult.patient
        return row
    if model is Procedure:
        row = factories.ProcedureFactory.build(decision=decision, patient=consult.patient)
        row.compute_stay()
        return row
    procedure = factories.ProcedureFactory(decision=decision)
    if model is AdverseEvent:
        row = factories.AdverseEventFactory.build(procedure=procedure, patient=consult.patient)
        row.compute_timing()
        return row
    row = factories.FollowUpFactory.build(procedure=procedure, recorded_by=specialist)
    row.compute_schedule()
    return row


class Rollback(Exception):
    pass


def database_accepts(row):
    """Insert ``row`` exactly as it is (no save(), no derived values) and roll it back: does
    the table take it?"""
    model = type(row)
    fields = [f for f in model._meta.local_concrete_fields if not f.primary_key]
    try:
        with transaction.atomic():
            model._base_manager._insert([row], fields=fields, raw=True)
            raise Rollback
    except Rollback:
        return True
    except IntegrityError:
        return False


def python_accepts(row):
    model = type(row)
    return all(
        CheckedInPython(check).evaluate(model, row, None, "default") is not False
        for check in checks(model)
    )


# --- the values: what a column can hold ---------------------------------------------------------

TEXT = st.text(st.characters(exclude_categories=["Cs"], exclude_characters="\x00"), max_size=12)
DAYS = [datetime.date(1899, 12, 31), datetime.date(1900, 1, 1), datetime.date(1900, 1, 2),
        datetime.date(2024, 2, 29), datetime.date(2024, 3, 1)]  # fmt: skip
MOMENTS = [
    datetime.datetime(1899, 12, 31, 23, 59, 59, 999999, tzinfo=datetime.UTC),
    datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC),
    datetime.datetime(2024, 3, 1, 8, tzinfo=datetime.UTC),
    datetime.datetime(2024, 3, 1, 8, 0, 0, 1, tzinfo=datetime.UTC),
]
INTEGER_RANGES = {
    models.PositiveSmallIntegerField: (0, 32767),
    models.PositiveIntegerField: (0, 2**31 - 1),
    models.SmallIntegerField: (-32768, 32767),
    models.IntegerField: (-(2**31), 2**31 - 1),
}


def constants(condition):
    """The literal values ``condition`` compares with."""
    found = []
    for child in condition.children:
        if isinstance(child, Q):
            found += constants(child)
        else:
            value = child[1]
            found += value if isinstance(value, list | tuple) else [value]
    return [v for v in found if not isinstance(v, F | bool) and v is not None]


def column_values(field, near, row):
    """Values ``field``'s column can hold: NULL where it may, the constraint's constants and
    their neighbours, and the ends of the column."""
    options = []
    if isinstance(field, models.ForeignKey):  # the row's own, or (who marked it) a user
        options.append(st.just(getattr(row, field.attname) or factories.UserFactory().pk))
    elif isinstance(field, models.BooleanField):
        options.append(st.booleans())
    elif isinstance(field, models.DecimalField):
        step = decimal.Decimal(1).scaleb(-field.decimal_places)
        top = decimal.Decimal(10) ** (field.max_digits - field.decimal_places) - step
        numbers = [decimal.Decimal(n) for n in near if isinstance(n, int | decimal.Decimal)]
        neighbours = [n + d for n in numbers for d in (-step, 0, step) if -top <= n + d <= top]
        options.append(st.decimals(-top, top, places=field.decimal_places))
        options += [st.sampled_from(neighbours)] if neighbours else []
    elif isinstance(field, models.IntegerField):
        low, high = next(r for t, r in INTEGER_RANGES.items() if isinstance(field, t))
        ints = [n for n in near if isinstance(n, int)]
        neighbours = [n + d for n in ints for d in (-1, 0, 1) if low <= n + d <= high]
        options += [st.integers(low, high), st.sampled_from([low, high, *neighbours])]
    elif isinstance(field, models.DateTimeField):
        # hypothesis takes naive bounds and adds the time zone itself
        earliest, latest = datetime.datetime(2, 1, 1), datetime.datetime(9998, 12, 31)  # noqa: DTZ001
        options += [
            st.sampled_from(MOMENTS),
            st.datetimes(earliest, latest, timezones=st.just(datetime.UTC)),
        ]
    elif isinstance(field, models.DateField):
        options += [
            st.sampled_from(DAYS),
            st.dates(datetime.date(1, 1, 1), datetime.date(9999, 12, 31)),
        ]
    elif isinstance(field, models.CharField | models.TextField):
        texts = [v for v in near if isinstance(v, str)]
        choices = [value for value, _ in field.flatchoices]
        longest = field.max_length or 4000
        options += [st.sampled_from(["", *choices, *texts]), TEXT.map(lambda t: t[:longest])]
    else:
        raise AssertionError(f"no values for {field!r}")
    if field.null:
        options.append(st.none())
    return st.one_of(options)


def referenced(condition):
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= referenced(child)
        else:
            names.add(child[0].split("__")[0])
            names |= {v.name for v in [child[1]] if isinstance(v, F)}
    return names


@pytest.mark.parametrize(
    ("model", "check"), CONSTRAINTS, ids=[check.name for _, check in CONSTRAINTS]
)
def test_python_refuses_exactly_what_the_database_refuses(model, check, specialist):
    row = valid_row(model, specialist)
    assert python_accepts(row) and database_accepts(row)
    condition = Q(check.condition)
    attnames = {name: model._meta.get_field(name).attname for name in referenced(condition)}
    draws = {
        name: column_values(model._meta.get_field(name), constants(condition), row)
        for name in sorted(attnames)
    }

    @SETTINGS
    @given(st.fixed_dictionaries(draws))
    def agree(values):
        for name, value in values.items():
            setattr(row, attnames[name], value)
        assert python_accepts(row) == database_accepts(row), values

    agree()


# --- the evaluation itself ----------------------------------------------------------------------


def test_null_makes_a_comparison_unknown_and_a_check_lets_unknown_pass():
    condition = Q(a__gte=1) & Q(a__lte=5)
    assert verdict(condition, {"a": None}) is None
    assert verdict(condition | Q(a__isnull=True), {"a": None}) is True
    assert verdict(~condition, {"a": None}) is None
    assert verdict(Q(a__lte=F("b")), {"a": 1, "b": None}) is None
    assert verdict(Q(a=False) | Q(a__lte=F("b")), {"a": False, "b": None}) is True


def test_what_python_cannot_evaluate_is_left_to_the_database():
    from django.db.models.functions import Lower

    for condition in (Q(a__lower="x"), Q(a__startswith="x"), Q(Lower("a")), Q(a__in=[1, None])):
        with pytest.raises(NotInPython):
            verdict(condition, {"a": "x"})


def test_a_refused_check_gives_the_constraints_message_and_no_query(
    specialist, django_assert_num_queries
):
    row = valid_row(Consult, specialist)
    row.nrs_back = 11
    with django_assert_num_queries(0), pytest.raises(ValidationError) as refused:
        row.validate_constraints()
    assert refused.value.messages == ["Constraint “consult_nrs_back_0_10” is violated."]


def test_a_second_procedure_saved_for_a_decision_is_refused_with_the_rules_message(
    specialist, records
):
    before = Procedure.objects.count(), FollowUp.objects.count()
    with pytest.raises(ValidationError, match="already has its procedure"):
        services.record_procedure(
            procedure=factories.ProcedureFactory.build(
                decision=records["decision"], surgeon=specialist
            ),
            by=specialist,
        )
    assert (Procedure.objects.count(), FollowUp.objects.count()) == before
