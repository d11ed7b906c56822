"""The patient's check-in page. Patients only: their own follow-ups, anyone else's answer 404.

The cases views guard with ``@permission_required`` for specialists; this one is the patient's
guard instead: a login (LoginRequiredMiddleware), the patient role (others get 403) and a row
filter on the patient's own record (``FollowUp.objects.checkins_of``).
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods

from cases import checkin_form, checkins
from cases.models import FollowUp
from clinic.audit import record_view


def patient_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_patient:
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_http_methods(["GET", "HEAD", "POST"])
@patient_required
def checkin(request, pk):
    follow_up = get_object_or_404(
        # The anchor comes with it: the save validates the answers against its dates.
        FollowUp.objects.checkins_of(request.user).select_related(
            "patient", "procedure", "decision"
        ),
        pk=pk,
    )
    instrument = checkin_form.active_odi(follow_up.patient)
    status = follow_up.status()
    answerable = status == "due"
    is_draft = "save_draft" in request.POST
    form = checkin_form.CheckinForm(
        request.POST or None,
        follow_up=follow_up,
        instrument=instrument,
        draft=is_draft,
        initial=checkin_form.checkin_initial(follow_up),
    )
    if request.method == "POST" and answerable and form.is_valid():
        write = checkins.save_checkin_draft if is_draft else checkins.submit_checkin
        try:
            write(follow_up=follow_up, form=form, by=request.user)
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if is_draft:
                messages.success(request, "Your answers are saved. Come back to finish them.")
            else:
                messages.success(request, "Thank you: your check-in is sent to your clinic.")
            return redirect("dashboard")
    record_view(request, follow_up, detail="check-in")
    return render(
        request,
        "cases/checkin_form.html",
        {
            "form": form,
            "follow_up": follow_up,
            "answerable": answerable,
            "closed": status == "overdue",
        },
    )
