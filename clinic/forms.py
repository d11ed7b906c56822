from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator


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
        label="Code from your authenticator app",
        max_length=8,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")


class VerifyForm(forms.Form):
    token = forms.CharField(
        label="Code from your authenticator app, or one of your recovery codes",
        max_length=16,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code"}),
    )

    def clean_token(self):
        return self.cleaned_data["token"].strip().replace(" ", "")
