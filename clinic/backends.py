"""The authentication backend: Django's ModelBackend, with the user's roles read in the same
query as the user.

Every signed-in request looks its user up again (``django.contrib.auth.get_user``), and nearly
every request then asks for the user's roles (the idle limit, the staff two-factor rule, the
navigation). Reading them with the user turns two queries per request into one.
"""

from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db.models import Exists, OuterRef, Q

from clinic.models import User


def with_roles(users):
    """``users`` with one boolean per role (:data:`clinic.models.User.ROLE_FLAGS`) annotated."""
    memberships = User.groups.through.objects.filter(user=OuterRef("pk"))
    return users.annotate(
        **{
            flag: Exists(memberships.filter(group__name=role))
            for role, flag in User.ROLE_FLAGS.items()
        }
    )


class ModelBackendWithRoles(ModelBackend):
    def get_user(self, user_id):
        user = with_roles(User._default_manager.filter(pk=user_id)).first()
        return user if user is not None and self.user_can_authenticate(user) else None

    def get_all_permissions(self, user_obj, obj=None):
        """The user's own and their groups' permissions in one query (Django asks two)."""
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            permissions = Permission.objects.all()
            if not user_obj.is_superuser:
                permissions = permissions.filter(
                    Q(user=user_obj) | Q(group__user=user_obj)
                ).distinct()
            user_obj._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in permissions.values_list(
                    "content_type__app_label", "codename"
                )
            }
        return user_obj._perm_cache
