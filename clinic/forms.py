from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _


class VersionedForm(forms.ModelForm):
    """The form of a versioned record (``clinic.models.Versioned``), in the portal and the admin.

    It carries the version it showed, in a hidden field (``version_field``). A change over a copy
    someone saved meanwhile is refused here, and again under the row lock when it is saved
    (``save_if_current``): both through ``Versioned.check_current``, with the same message.
    """

    version_field = "version"
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial[self.version_field] = self.instance.version
        if self.instance.pk is None:
            self.fields[self.version_field].required = False

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk and not self.has_error(self.version_field):
            self.instance.check_current(cleaned_data.get(self.version_field))
        return cleaned_data

    @property
    def expected_version(self):
        """The version the user opened: save the change with ``save_if_current`` over it."""
        return self.cleaned_data.get(self.version_field)


class BoundedUsernameMixin:
    """Django's login forms set the username's maximum length on the field and the widget but
    do not check it: a login with a longer one is refused as too long."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        username = self.fields["username"]
        username.validators.append(MaxLengthValidator(username.max_length))


class LoginForm(BoundedUsernameMixin, AuthenticationForm):
    pass


class AdminLoginForm(BoundedUsernameMixin, AdminAuthenticationForm):
    pass


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app"),
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")


class VerifyForm(forms.Form):
    token = forms.CharField(
        label=_("Code from your authenticator app, or one of your recovery codes"),
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")
