"""A change of what an account may do ends all its sessions: deactivation, reactivation, a change
of role (groups), permissions or staff and superuser flags, whether made in the admin or through
the model (clinic/signals.py). Other saves of the account leave its sessions alone."""

import pytest
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from clinic import roles
from clinic.models import User
from tests import factories

pytestmark = pytest.mark.django_db


def signed_in(user):
    """A client with a session of ``user``, as after a login on some device."""
    client = Client()
    client.force_login(user)
    assert is_signed_in(client)
    return client


def is_signed_in(client):
    return client.get(reverse("dashboard")).wsgi_request.user.is_authenticated


def saved(user, **changes):
    for name, value in changes.items():
        setattr(user, name, value)
    user.save()


def test_a_deactivated_accounts_old_session_does_not_come_back_when_it_is_reactivated(
    patient_user,
):
    session = signed_in(patient_user)
    patient_user.is_active = False
    patient_user.save()
    assert not is_signed_in(session)
    patient_user.is_active = True
    patient_user.save()
    assert not is_signed_in(session)
    assert is_signed_in(signed_in(patient_user))  # a new login works


@pytest.mark.parametrize(
    "change",
    [
        lambda user: user.groups.add(Group.objects.get(name=roles.CONTENT_EDITORS)),
        lambda user: user.groups.remove(Group.objects.get(name=roles.SPECIALISTS)),
        lambda user: user.groups.set([Group.objects.get(name=roles.PATIENTS)]),
        lambda user: user.groups.clear(),
        lambda user: Group.objects.get(name=roles.SPECIALISTS).user_set.remove(user),
        lambda user: Group.objects.get(name=roles.SPECIALISTS).user_set.clear(),
        lambda user: user.user_permissions.add(Permission.objects.get(codename="view_patient")),
        lambda user: saved(user, is_superuser=True),
        lambda user: saved(user, is_staff=False),
    ],
    ids=[
        "group added",
        "group removed",
        "groups set",
        "groups cleared",
        "removed from the group's side",
        "group emptied",
        "permission added",
        "made superuser",
        "no longer staff",
    ],
)
def test_changing_an_accounts_role_ends_all_its_sessions(specialist, change):
    sessions = [signed_in(specialist), signed_in(specialist)]
    change(specialist)
    assert not any(is_signed_in(session) for session in sessions)
    assert is_signed_in(signed_in(User.objects.get(pk=specialist.pk)))  # a new login works


def test_other_accounts_keep_their_sessions(specialist, other_specialist):
    other = signed_in(other_specialist)
    specialist.groups.clear()
    assert is_signed_in(other)


def test_saving_the_account_without_changing_its_rights_keeps_its_sessions(patient_user):
    session = signed_in(patient_user)
    patient_user.first_name = "Renamed"
    patient_user.save()
    patient_user.groups.add(Group.objects.get(name=roles.PATIENTS))  # already in it
    assert is_signed_in(session)


def test_a_copy_loaded_before_a_role_change_does_not_bring_the_sessions_back(specialist):
    stale = User.objects.get(pk=specialist.pk)
    session = signed_in(specialist)
    specialist.groups.clear()
    stale.first_name = "Saved from an old copy"
    stale.save()
    assert not is_signed_in(session)


def test_sessions_of_accounts_whose_rights_never_changed_survive_the_upgrade():
    # Sessions opened before session_generation existed carry Django's own hash.
    user = factories.UserFactory()
    assert user.session_generation == 0
    assert user.get_session_auth_hash() == AbstractBaseUser._get_session_auth_hash(user)


# --- in the admin --------------------------------------------------------------------------------


def change_user_in_admin(admin_client, user, **changes):
    """Post the admin's change form of ``user`` as it is shown, with ``changes``."""
    url = reverse("admin:clinic_user_change", args=[user.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {}
    for name, field in form.fields.items():
        value = changes.get(name, form[name].value())
        if field.disabled or value in (None, False):
            continue
        if name in ("last_login", "date_joined"):  # the admin splits these into date and time
            data[f"{name}_0"], data[f"{name}_1"] = f"{value:%Y-%m-%d}", f"{value:%H:%M:%S}"
        elif isinstance(value, list | tuple):
            data[name] = [getattr(item, "pk", item) for item in value]
        else:
            data[name] = value
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()


def test_deactivating_and_reactivating_in_the_admin_ends_the_old_session(superuser, patient_user):
    admin = signed_in(superuser)
    session = signed_in(patient_user)
    change_user_in_admin(admin, patient_user, is_active=False)
    assert not patient_user.is_active
    change_user_in_admin(admin, patient_user, is_active=True)
    assert patient_user.is_active
    assert not is_signed_in(session)
    assert is_signed_in(admin)


def test_changing_the_role_in_the_admin_ends_all_sessions(superuser, editor):
    admin = signed_in(superuser)
    session = signed_in(editor)
    specialists = Group.objects.get(name=roles.SPECIALISTS)
    change_user_in_admin(admin, editor, groups=[specialists])
    assert editor.is_specialist and not editor.is_editor
    assert not is_signed_in(session)


def test_editing_a_name_in_the_admin_keeps_the_sessions(superuser, editor):
    admin = signed_in(superuser)
    session = signed_in(editor)
    change_user_in_admin(admin, editor, first_name="Renamed")
    assert editor.first_name == "Renamed"
    assert is_signed_in(session)
