from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from cases import dashboard as cases_dashboard
from clinic.models import Patient
from education import dashboard as education_dashboard


@login_not_required
def dashboard(request):
    """``/``: the public landing page for visitors, a dashboard by role for everyone else.

    Each app contributes its own panel; clinic only composes them.
    """
    user = request.user
    if not user.is_authenticated:
        return render(request, "clinic/landing.html", education_dashboard.public_context())
    context = {}
    if user.is_clinician:
        context["my_patients"] = Patient.objects.filter(primary_specialist=user).order_by(
            "family_name", "given_name"
        )[:20]
    context.update(education_dashboard.context_for(user))
    context.update(cases_dashboard.context_for(user))
    return render(request, "clinic/dashboard.html", context)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)
