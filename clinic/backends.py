"""The authentication backend: Django's ModelBackend, with the user's roles and language read in
the same query as the user.

Every signed-in request looks its user up again (``django.contrib.auth.get_user``), and nearly
every request then asks for the user's roles (the idle limit, the staff two-factor rule, the
navigation). Reading them with the user turns two queries per request into one, and keeping the
result in the session cache (clinic/auth_cache.py) into none.
"""

import functools

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.db import router
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from clinic import auth_cache
from clinic.models import Patient, User


def with_roles(users):
    """``users`` with one boolean per role (:data:`clinic.models.User.ROLE_FLAGS`) annotated."""
    memberships = User.groups.through.objects.filter(user=OuterRef("pk"))
    return users.annotate(
        **{
            flag: Exists(memberships.filter(group__name=role))
            for role, flag in User.ROLE_FLAGS.items()
        }
    )


def with_language(users):
    """``users`` with ``portal_language`` annotated: their patient record's preferred language if
    they have one, else their account's (clinic.language). Read with the user on every request,
    a change made by staff applies on the person's next page (clinic.middleware)."""
    records = Patient.objects.filter(user=OuterRef("pk")).values("preferred_language")[:1]
    return users.annotate(portal_language=Coalesce(Subquery(records), F("language")))


# Building that query with the ORM costs more than running it (about 4 ms of Python for three
# EXISTS subqueries, against 0.2 ms to run it): it is compiled once per database and then run
# as raw SQL with the user's id in place of a marker.
_MARKER = -7_301_994_257


@functools.cache
def _user_with_roles_sql(alias):
    query = with_language(with_roles(User._default_manager.using(alias).filter(pk=_MARKER))).query
    sql, params = query.get_compiler(alias).as_sql()
    assert params.count(_MARKER) == 1, params
    return sql, params


def _user_with_roles(user_id):
    alias = router.db_for_read(User)
    sql, params = _user_with_roles_sql(alias)
    params = [user_id if param == _MARKER else param for param in params]
    return next(iter(User._default_manager.db_manager(alias).raw(sql, params)), None)


class ModelBackendWithRoles(ModelBackend):
    def get_user(self, user_id):
        """The user with their roles, from the session cache when it holds them (no query)."""
        try:
            user_id = User._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        user = auth_cache.cached(
            auth_cache.user_key(user_id),
            lambda: _user_with_roles(user_id),
            store=auth_cache.without_password,
        )
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions in one query (Django asks two), kept in
        the session cache (clinic/auth_cache.py) between requests."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            user_obj._perm_cache = auth_cache.permissions(
                user_obj.pk, lambda: _permissions(user_obj)
            )
        return user_obj._perm_cache


def _permissions(user):
    permissions = Permission.objects.all()
    if not user.is_superuser:
        permissions = permissions.filter(Q(user=user) | Q(group__user=user)).distinct()
    return {
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    }
