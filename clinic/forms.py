from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.validators import MaxLengthValidator

from clinic.models import AuditEvent


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


class AuditFilterForm(forms.Form):
    patient = forms.CharField(required=False, label="Patient MRN", max_length=32)
    user = forms.CharField(required=False, label="Username", max_length=150)
    action = forms.ChoiceField(
        required=False, choices=[("", "Any action"), *AuditEvent.Action.choices]
    )
    since = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            raise forms.ValidationError("The start date must be on or before the end date.")
        return data

    def filter(self, queryset):
        data = self.cleaned_data
        if data.get("patient"):
            queryset = queryset.filter(patient__mrn__iexact=data["patient"].strip())
        if data.get("user"):
            username = data["user"].strip()
            queryset = queryset.filter(user__username__iexact=username) | queryset.filter(
                username__iexact=username
            )
        if data.get("action"):
            queryset = queryset.filter(action=data["action"])
        if data.get("since"):
            queryset = queryset.filter(at__date__gte=data["since"])
        if data.get("until"):
            queryset = queryset.filter(at__date__lte=data["until"])
        return queryset
