"""Model CHECK constraints evaluated in Python when a record is validated.

Django validates a ``CheckConstraint`` (``Model.validate_constraints``) with one query per
constraint, each in a savepoint when a transaction is open: a consult's 21 constraints cost 63
statements per validation, and a save validated them twice. Their conditions are plain
comparisons of the record's own fields (ranges, choices, dates from 1900, "this one, or that
one"), which Python can evaluate with the database's three-valued logic. A condition that uses
anything else (a join, a function, an expression as a value) is still sent to the database, as
Django does. The CHECK constraints in the tables stay the last line of defence;
``tests/cases/test_constraints_in_python.py`` holds the two to each other: for every clinical
model, Python refuses exactly the values the database refuses.
"""

import operator

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections, router
from django.db.models import CheckConstraint, F, Model, Q, UniqueConstraint
from django.db.models.constants import LOOKUP_SEP

# SQL comparisons of a record's own values; a NULL on either side is unknown (None).
COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}
# Where Python's equality of strings is the database's (no case-insensitive collation).
VENDORS = {"sqlite", "postgresql"}


class NotInPython(Exception):
    """The condition needs the database to be evaluated."""


def verdict(condition, values):
    """``condition`` (a Q) evaluated over ``values`` ({field name: value}) as SQL does: True,
    False, or None for unknown (a comparison with NULL), which a CHECK constraint lets pass.
    Raises NotInPython for what it cannot evaluate."""
    if not isinstance(condition, Q):
        return _lookup(condition, values)
    results = [verdict(child, values) for child in condition.children]
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    elif condition.connector == Q.OR:
        result = True if True in results else (None if None in results else False)
    else:
        raise NotInPython(condition.connector)
    if condition.negated and result is not None:
        result = not result
    return result


def _lookup(child, values):
    if not isinstance(child, tuple):  # an expression rather than field__lookup=value
        raise NotInPython(child)
    path, rhs = child
    name, _, lookup = path.partition(LOOKUP_SEP)
    lookup = lookup or "exact"
    if name not in values:
        raise NotInPython(path)
    lhs = values[name]
    if lookup == "isnull":
        return (lhs is None) == bool(rhs)
    rhs = _operand(rhs, values)
    if lookup == "exact" and rhs is None:  # Django reads field=None as field__isnull=True
        return lhs is None
    if lookup == "in":
        rhs = [_operand(value, values) for value in rhs]
        if not rhs or None in rhs:
            raise NotInPython(path)  # an empty list, or NULL in it: SQL's rules to SQL
        return None if lhs is None else lhs in rhs
    if lookup not in COMPARISONS:
        raise NotInPython(path)  # a transform or another lookup
    if lhs is None or rhs is None:
        return None
    try:
        return COMPARISONS[lookup](lhs, rhs)
    except TypeError as error:  # e.g. a date against a datetime: the database decides
        raise NotInPython(path) from error


def _operand(value, values):
    if isinstance(value, F):
        if value.name not in values:
            raise NotInPython(value.name)
        return values[value.name]
    if hasattr(value, "resolve_expression") or isinstance(value, Model):
        raise NotInPython(value)
    return value


def references(condition):
    """The field names ``condition`` reads (F() values included)."""
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= references(child)
        elif isinstance(child, tuple):
            names.add(child[0].split(LOOKUP_SEP)[0])
            operands = child[1] if isinstance(child[1], list | tuple) else [child[1]]
            names |= {operand.name for operand in operands if isinstance(operand, F)}
        else:
            raise NotInPython(child)
    return names


def field_values(model, instance):
    """``{field name: value}`` of ``instance`` as Django's constraint query reads them."""
    values = {"pk": instance.pk}
    for field in model._meta.local_concrete_fields:
        value = getattr(instance, field.attname)
        if hasattr(value, "resolve_expression"):
            raise NotInPython(field.name)
        values[field.name] = value
    return values


class CheckedInPython:
    """A ``CheckConstraint`` validated in Python where it can be (the rest: ``constraint``'s own
    query). Everything but ``validate`` is the constraint's."""

    def __init__(self, constraint):
        self.constraint = constraint

    def __getattr__(self, name):
        return getattr(self.constraint, name)

    def validate(self, model, instance, exclude=None, using=DEFAULT_DB_ALIAS):
        constraint = self.constraint
        try:
            result = self.evaluate(model, instance, exclude, using)
        except NotInPython:
            return constraint.validate(model, instance, exclude=exclude, using=using)
        if result is False:
            raise ValidationError(
                constraint.get_violation_error_message(), code=constraint.violation_error_code
            )

    def evaluate(self, model, instance, exclude, using):
        """True, False or None (unknown: passes) as Django's query would answer."""
        if connections[using].vendor not in VENDORS:
            raise NotInPython(using)
        condition = Q(self.constraint.condition)
        if references(condition) & set(exclude or ()):
            return None  # as Django: a constraint on an excluded field is not checked
        return verdict(condition, field_values(model, instance))


class UniqueCheckedInPython(CheckedInPython):
    """A conditional ``UniqueConstraint`` over fields (``procedure_one_per_decision``): its
    condition is evaluated in Python; only a record it applies to is looked for in the table,
    with one query and no savepoint (Django sends both to the database, in a savepoint)."""

    def evaluate(self, model, instance, exclude, using):
        constraint, exclude = self.constraint, set(exclude or ())
        if constraint.expressions or constraint.nulls_distinct is False:
            raise NotInPython(constraint.name)
        if references(Q(constraint.condition)) & exclude:
            return True  # as Django: not checked
        applies = super().evaluate(model, instance, exclude, using)
        if applies is None:
            raise NotInPython(constraint.name)  # unknown: leave Django's reading to Django
        if not applies:
            return True
        lookups = {}
        for name in constraint.fields:
            field = model._meta.get_field(name)
            value = getattr(instance, field.attname)
            if name in exclude or value is None:
                return True  # excluded, or NULL: never equal to another row's (as Django)
            lookups[field.name] = value
        others = model._default_manager.using(using).filter(constraint.condition, **lookups)
        if not instance._state.adding and instance.pk is not None:
            others = others.exclude(pk=instance.pk)
        return not others.exists()


class ChecksInPython:
    """Model mixin: ``validate_constraints`` (``full_clean``) evaluates the model's
    ``CheckConstraint`` in Python, without a query each, and a conditional ``UniqueConstraint``
    with one query where Django needs a savepoint and a query."""

    def get_constraints(self):
        return [
            (model, [self._in_python(c) for c in constraints])
            for model, constraints in super().get_constraints()
        ]

    def validate_check_constraints(self, exclude=None):
        """The CHECK constraints alone, for a caller that settled uniqueness itself."""
        using = router.db_for_write(type(self), instance=self)
        errors = {}
        for model, constraints in self.get_constraints():
            for constraint in constraints:
                if not isinstance(getattr(constraint, "constraint", None), CheckConstraint):
                    continue
                try:
                    constraint.validate(model, self, exclude=exclude, using=using)
                except ValidationError as error:
                    errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _in_python(constraint):
        if isinstance(constraint, CheckConstraint):
            return CheckedInPython(constraint)
        if isinstance(constraint, UniqueConstraint) and constraint.condition and constraint.fields:
            return UniqueCheckedInPython(constraint)
        return constraint
