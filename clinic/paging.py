"""Keyset ("seek") pagination for the long lists: the patient list, the audit trail and the
FHIR API's search pages (interop.search, which seeks with :func:`marker_pk` and :func:`seek`).

Django's ``Paginator`` reaches page n with ``OFFSET``, which reads and throws away every row
before it, so the deeper the page the slower. A keyset page starts right after the last row the
reader saw (``?after=<pk>``), or ends right before the first one (``?before=<pk>``), and the
database finds that place through the index that serves the list's order: every page costs
what the first one does.

The order must be total and its fields never null: the last field is the primary key, which
breaks ties between equal sort keys, so paging forward and back shows every row exactly once.

The marker in the address is the row's primary key, never its sort values: patients' names
stay out of addresses, browser histories and server logs. The database reads the sort values
of the marked row itself (a subquery that does not depend on the outer row, run once).
"""

from collections.abc import Sequence
from functools import cached_property

from django.db.models import Q, Subquery

# The largest primary key a database column holds: a larger marker is no row's.
_MAX_PK = 2**63 - 1


def marker_pk(value):
    """The primary key a marker names, or None for anything that is not one."""
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()):
        return None
    pk = int(value)
    return pk if 0 < pk <= _MAX_PK else None


def seek(queryset, ordering, pk, *, forward=True):
    """``queryset`` from the row ``pk`` on, excluding it: the rows after it in ``ordering``
    (``forward``), or those before it, nearest first."""
    fields = [(name.removeprefix("-"), name.startswith("-")) for name in ordering]
    marked = queryset.model._base_manager.filter(pk=pk).order_by()
    pk_name = queryset.model._meta.pk.name
    value = {
        name: pk if name in ("pk", pk_name) else Subquery(marked.values(name)[:1])
        for name, _ in fields
    }

    def past(descending):
        return "gt" if forward != descending else "lt"

    # (a > x) or (a = x and b > y) or (a = x and b = y and pk > z), for the order's directions;
    # the first conjunct, a >= x, is the one an index range starts from.
    first, descending = fields[0]
    condition, equal = Q(), Q()
    for name, descending_field in fields:
        condition |= equal & Q(**{f"{name}__{past(descending_field)}": value[name]})
        equal &= Q(**{name: value[name]})
    start = Q(**{f"{first}__{past(descending)}e": value[first]})
    order = ordering if forward else [_reverse(name) for name in ordering]
    return queryset.filter(start & condition).order_by(*order)


def _reverse(name):
    return name[1:] if name.startswith("-") else f"-{name}"


class KeysetPage(Sequence):
    """One page of a keyset-paginated list. ``_pagination.html`` links its neighbours with
    :meth:`link`; ``count`` (one query, when read) is the number of rows of the whole list, or
    at most ``count_limit`` (``count_capped`` then says there are more), so that counting a
    list that only grows, like the audit trail, stays as cheap as showing it."""

    paginator = None  # no page numbers: _pagination.html shows Previous, Next and First

    def __init__(self, object_list, *, queryset, has_previous, has_next, position, count_limit):
        self.object_list = object_list
        self.has_previous = has_previous
        self.has_next = has_next
        self.position = position
        self._queryset = queryset
        self._count_limit = count_limit

    def __getitem__(self, index):
        return self.object_list[index]

    def __len__(self):
        return len(self.object_list)

    def has_other_pages(self):
        return self.has_previous or self.has_next

    @cached_property
    def _counted(self):
        if self._count_limit is None:
            return self._queryset.count()
        return self._queryset[: self._count_limit + 1].count()

    @property
    def count(self):
        return min(self._counted, self._count_limit or self._counted)

    @property
    def count_capped(self):
        return self._count_limit is not None and self._counted > self._count_limit

    def link(self, direction):
        """The query parameters of the next or previous page, or of the first one."""
        if direction == "next":
            return {"after": self.object_list[-1].pk}
        if direction == "previous":
            return {"before": self.object_list[0].pk}
        return {}


# The query parameters that mark a page (``page``: the numbered pages of Django's paginator).
MARKERS = ("after", "before", "page")


def requested_position(query):
    """The page the ``query`` parameters ask for, as :class:`KeysetPage` names its position."""
    after, before = marker_pk(query.get("after")), marker_pk(query.get("before"))
    if after is not None:
        return f"after {after}"
    if before is not None:
        return f"before {before}"
    return "first page"


def keyset_page(queryset, query, *, ordering, size, count_limit=None):
    """The page of ``queryset`` (in ``ordering``, which ends with the primary key) that the
    request's ``query`` parameters mark: after a row, before a row, or the first page."""
    # A marker that is no primary key is no marker: the first page.
    after, before = marker_pk(query.get("after")), marker_pk(query.get("before"))
    page = {"queryset": queryset, "count_limit": count_limit}
    if after is not None:
        rows = list(seek(queryset, ordering, after, forward=True)[: size + 1])
    if after is not None and rows:  # nothing after the marker, or no such row: the first page
        return KeysetPage(
            rows[:size],
            has_previous=True,
            has_next=len(rows) > size,
            position=f"after {after}",
            **page,
        )
    if before is not None:
        rows = list(seek(queryset, ordering, before, forward=False)[: size + 1])
        # Fewer than a page before the marker (rows were added or the filter changed since the
        # link was made, or no such row): the first page, full, rather than a short one.
        if len(rows) >= size:
            return KeysetPage(
                rows[:size][::-1],
                has_previous=len(rows) > size,
                has_next=True,
                position=f"before {before}",
                **page,
            )
    rows = list(queryset.order_by(*ordering)[: size + 1])
    return KeysetPage(
        rows[:size], has_previous=False, has_next=len(rows) > size, position="first page", **page
    )
