"""The small forms of the check-in emails: the date of birth a link asks for, and the patient's
email preference."""

from django import forms

from cases.forms import DATE


class DateOfBirthForm(forms.Form):
    date_of_birth = forms.DateField(
        label="Your date of birth",
        widget=DATE,
        error_messages={
            "required": "Enter your date of birth.",
            "invalid": "Enter your date of birth as a full date, for example 1970-03-25.",
        },
    )


class EmailPreferencesForm(forms.Form):
    checkin_emails = forms.BooleanField(
        required=False,
        label="Email me when a check-in is ready, and remind me if I have not answered it",
        help_text="The emails hold a link to the check-in and no health information.",
    )
