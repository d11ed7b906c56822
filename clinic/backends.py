"""The authentication backend: Django's ModelBackend, with the user's roles read in the same
query as the user.

Every signed-in request looks its user up again (``django.contrib.auth.get_user``), and nearly
every request then asks for the user's roles (the idle limit, the staff two-factor rule, the
navigation). Reading them with the user turns two queries per request into one.
"""

from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef

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
