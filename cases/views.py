"""The specialist's pages. Every view declares its permissions: editors and patients get 403."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import OuterRef, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cases import charts, export, services
from cases.filters import PatientFilter
from cases.forms import (
    AdverseEventForm,
    ConsultForm,
    DecisionForm,
    EnteredInErrorForm,
    FollowUpForm,
    PatientEditForm,
    PatientForm,
    ProcedureForm,
)
from cases.models import (
    AdverseEvent,
    CandidacyDecision,
    Consult,
    FollowUp,
    Procedure,
)
from cases.models.patient import patient_timeline, with_columns
from cases.models.procedure import ONE_PROCEDURE_PER_DECISION
from cases.outcomes import active_thresholds
from clinic import page_cache, spreadsheet
from clinic.audit import record_export, record_view
from clinic.models import AuditEvent, Patient
from clinic.paging import keyset_page, requested_position

Action = AuditEvent.Action
READ = ["clinic.view_patient", "cases.view_consult"]
PAGE_SIZE = 25
# Served by the index patient_name_order_idx; the id orders namesakes.
PATIENT_LIST_ORDER = ["family_name", "given_name", "id"]


def _patient_or_404(request, pk):
    return get_object_or_404(Patient.objects.visible_to(request.user), pk=pk)


def _form_error(form, error):
    """Put a model ValidationError (e.g. a stale version) on the form: on the field it names
    when the form has that field, else above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, errors in error.error_dict.items():
        form.add_error(field if field in form.fields else None, errors)


# --- patients ------------------------------------------------------------------------------------


@require_safe
@permission_required(READ, raise_exception=True)
def patient_list(request):
    # The audit says which page was asked for: a page from the cache is never looked up.
    record_view(request, detail=f"patient list, {requested_position(request.GET)}")

    def context():
        patients = Patient.objects.visible_to(request.user)
        filterset = PatientFilter(request.GET or None, queryset=patients)
        if filterset.is_valid():  # a filter with errors shows them over the whole list
            patients = filterset.qs
        page = keyset_page(
            patients.only("pk"), request.GET, ordering=PATIENT_LIST_ORDER, size=PAGE_SIZE
        )
        page.object_list = with_columns(page.object_list)
        return {"form": filterset.form, "page": page}

    return page_cache.render(request, "cases/patient_list.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("clinic.add_patient", raise_exception=True)
def patient_create(request):
    # A specialist who registers a patient usually looks after them.
    initial = {"primary_specialist": request.user.pk} if request.user.is_specialist else {}
    form = PatientForm(request.POST or None, initial=initial)
    if form.is_valid():
        patient = services.register_patient(
            patient=form.save(commit=False), registered_by=request.user
        )
        messages.success(request, _("%(name)s is registered.") % {"name": patient.full_name})
        return redirect(patient)
    return render(request, "cases/patient_form.html", {"form": form})


@require_safe
@permission_required(READ, raise_exception=True)
def patient_detail(request, pk):
    kept = page_cache.kept(request)
    if kept is not None:  # seen by this reader before, unchanged since: no need to read it
        record_view(request, Patient(pk=kept[0]), detail="patient record")
        return kept[1]
    patient = _patient_or_404(request, pk)
    record_view(request, patient, detail="patient record")
    return page_cache.render(
        request, "cases/patient_detail.html", lambda: _timeline(patient), patient=patient.pk
    )


def _timeline(patient):
    context = patient_timeline(patient)
    thresholds = active_thresholds()
    current = context["current_decision"]
    context["takes_a_procedure"] = current is not None and current.takes_a_procedure(
        context["procedures"]
    )
    context["outcome_chart"] = charts.outcome_chart(context["follow_ups"], thresholds=thresholds)
    # The timeline's MIC flags measure from the baseline the chart uses (the patient's own).
    baselines = {s["key"]: s["baseline"] for s in context["outcome_chart"]["series"]}
    for follow_up in context["follow_ups"]:
        anchor = follow_up.anchor
        key = f"{anchor._meta.model_name}-{anchor.pk}" if anchor is not None else None
        follow_up.mic = follow_up.mic_reached(thresholds, baseline=baselines.get(key))
    return {"patient": patient, **context}


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("clinic.change_patient", raise_exception=True)
def patient_edit(request, pk):
    patient = _patient_or_404(request, pk)
    return _edit(
        request,
        patient,
        PatientEditForm,
        "cases/patient_form.html",
        {"patient": patient},
        gettext_lazy("Patient details updated."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("clinic.change_patient", raise_exception=True)
def patient_invite(request, pk):
    patient = _patient_or_404(request, pk)
    if request.method == "POST":
        try:
            user = services.invite_patient(patient=patient, invited_by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Invitation sent; the portal username is %(username)s.")
                % {"username": user.username},
            )
        return redirect(patient)
    record_view(request, patient, detail="invitation form")
    return render(request, "cases/patient_confirm_invite.html", {"patient": patient})


# --- consults ------------------------------------------------------------------------------------


# The consult form's second button: the decision on the same page is recorded with the consult.
DECIDE = "decide"
DECISION_BEGUN = gettext_lazy(
    "The candidacy decision is filled in: press “Record consult and decision” to "
    "record it with the consult, or clear it to save the consult alone."
)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.add_consult", raise_exception=True)
def consult_create(request, patient_pk):
    """Record a consult; a specialist may record its candidacy decision in the same sitting:
    the two parts are validated together and saved in one transaction, or nothing is saved."""
    patient = _patient_or_404(request, patient_pk)
    may_decide = request.user.has_perm("cases.decide_candidacy")
    deciding = request.method == "POST" and DECIDE in request.POST
    if deciding and not may_decide:
        raise PermissionDenied
    consult = Consult(patient=patient, specialist=request.user)
    form = ConsultForm(request.POST or None, instance=consult)
    decision_form = None
    if deciding:
        decision_form = _decision_with_consult(consult, request.POST)
        consult_valid = form.is_valid()  # first: the decision is checked against the consult
        if decision_form.is_valid() and consult_valid:
            try:
                consult, decision = services.record_consult_and_decision(
                    consult=form.save(commit=False),
                    decision=decision_form.save(commit=False),
                    by=request.user,
                    article=decision_form.article_to_assign,
                )
            except ValidationError as error:  # nothing was saved
                _form_error(decision_form, error)
            else:
                messages.success(request, _("Consult and decision recorded."))
                return redirect(decision)
    elif request.method == "POST" and may_decide and DecisionForm.started(request.POST):
        form.add_error(None, DECISION_BEGUN)  # never drop a decision the specialist typed
        decision_form = _decision_with_consult(consult, request.POST)
    elif form.is_valid():
        consult = services.record_consult(consult=form.save(commit=False), by=request.user)
        messages.success(request, _("Consult recorded."))
        return redirect(consult)
    context = {"form": form, "patient": patient}
    if may_decide:
        context["decision_form"] = decision_form or _decision_with_consult(consult, None)
        context["replaces"] = CandidacyDecision.objects.current_for(patient).first()
    record_view(request, patient, detail="new consult form")
    return render(request, "cases/consult_form.html", context)


def _decision_with_consult(consult, data):
    return DecisionForm(
        data,
        instance=CandidacyDecision(consult=consult, patient=consult.patient),
        with_consult=True,
    )


@require_safe
@permission_required(READ, raise_exception=True)
def consult_detail(request, pk):
    consult = get_object_or_404(
        Consult.objects.visible_to(request.user).select_related("patient", "specialist"), pk=pk
    )
    decisions = consult.decisions.select_related("decided_by", "superseded_by", "supersedes")
    record_view(request, consult, detail="consult")
    return render(
        request,
        "cases/consult_detail.html",
        {
            "consult": consult,
            "patient": consult.patient,
            "criteria": consult.candidacy_criteria(),
            "decisions": decisions,
        },
    )


def _edit(request, record, form_class, template, context, success):
    """Edit a versioned record: a stale copy is refused and nothing is saved."""
    form = form_class(request.POST or None, instance=record)
    if form.is_valid():
        try:
            services.update_record(
                record=form.save(commit=False),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ValidationError as error:  # a stale copy, or a record the change invalidates
            _form_error(form, error)
        else:
            messages.success(request, success)
            return redirect(record)
    record_view(request, record, detail="edit form")
    return render(request, template, {"form": form, "object": record, **context})


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.change_consult", raise_exception=True)
def consult_edit(request, pk):
    # The people it names are loaded with it: validating the save then needs no lookup of them.
    consult = get_object_or_404(
        Consult.objects.valid()
        .visible_to(request.user)
        .select_related("patient", "specialist", "recorded_by"),
        pk=pk,
    )
    return _edit(
        request,
        consult,
        ConsultForm,
        "cases/consult_form.html",
        {"patient": consult.patient},
        gettext_lazy("Consult updated."),
    )


# --- decisions -----------------------------------------------------------------------------------


def _decide(request, consult, supersedes=None):
    initial = {}
    if supersedes is not None:
        # The amendment starts from the amended decision, dated today unless the user says; the
        # patient was offered the MISS article with it already.
        initial = {name: getattr(supersedes, name) for name in DecisionForm.AMENDED_FIELDS}
        initial["assign_article"] = False
        if initial["planned_on"] and initial["planned_on"] < timezone.localdate():
            initial["planned_on"] = None  # a day gone by is no longer a plan
    form = DecisionForm(
        request.POST or None,
        instance=CandidacyDecision(consult=consult, patient=consult.patient),
        initial=initial,
    )
    if form.is_valid():
        try:
            decision = services.record_decision(
                decision=form.save(commit=False),
                by=request.user,
                supersedes=supersedes,
                article=form.article_to_assign,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Decision recorded."))
            return redirect(decision)
    record_view(request, supersedes or consult, detail="decision form")
    return render(
        request,
        "cases/candidacydecision_form.html",
        {
            "form": form,
            "consult": consult,
            "patient": consult.patient,
            "criteria": consult.candidacy_criteria(),
            "supersedes": supersedes,
            "replaces": None
            if supersedes
            else CandidacyDecision.objects.current_for(consult.patient).first(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.decide_candidacy", raise_exception=True)
def decision_create(request, consult_pk):
    consult = get_object_or_404(
        Consult.objects.valid().visible_to(request.user).select_related("patient"), pk=consult_pk
    )
    return _decide(request, consult)


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.decide_candidacy", raise_exception=True)
def decision_amend(request, pk):
    """Amend a decision. If someone amended it first, saving is refused with a message."""
    decision = get_object_or_404(
        CandidacyDecision.objects.valid()
        .visible_to(request.user)
        .select_related("consult__patient", "patient"),
        pk=pk,
    )
    return _decide(request, decision.consult, supersedes=decision)


@require_safe
@permission_required(READ, raise_exception=True)
def decision_detail(request, pk):
    decision = get_object_or_404(
        CandidacyDecision.objects.visible_to(request.user).select_related(
            "patient", "consult", "decided_by", "superseded_by", "supersedes", "entered_in_error_by"
        ),
        pk=pk,
    )
    record_view(request, decision, detail="decision")
    return render(
        request,
        "cases/candidacydecision_detail.html",
        {
            "decision": decision,
            "patient": decision.patient,
            "takes_a_procedure": decision.takes_a_procedure(),
        },
    )


# --- procedures and adverse events ---------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.add_procedure", raise_exception=True)
def procedure_create(request, decision_pk):
    # One query: the decision, what the form and the save read of it, and its procedure if one
    # is recorded already.
    recorded_procedure = Procedure.objects.valid().filter(decision=OuterRef("pk"))
    decision = get_object_or_404(
        CandidacyDecision.objects.current()
        .visible_to(request.user)
        .select_related("consult", "patient")
        .annotate(recorded_id=Subquery(recorded_procedure.values("pk")[:1])),
        pk=decision_pk,
    )
    if not decision.is_surgical:
        raise Http404
    if decision.recorded_id is not None:
        messages.info(request, ONE_PROCEDURE_PER_DECISION)
        return redirect("cases:procedure_detail", decision.recorded_id)
    form = ProcedureForm(
        request.POST or None,
        instance=Procedure(decision=decision, patient=decision.patient, surgeon=request.user),
        initial=ProcedureForm.initial_from_decision(decision),
    )
    if form.is_valid():
        try:
            procedure = services.record_procedure(
                procedure=form.save(commit=False), by=request.user
            )
        except ValidationError as error:  # e.g. another procedure saved meanwhile
            _form_error(form, error)
        else:
            messages.success(request, _("Procedure recorded; its follow-ups are scheduled."))
            return redirect(procedure)
    record_view(request, decision, detail="new procedure form")
    return render(
        request,
        "cases/procedure_form.html",
        {"form": form, "decision": decision, "patient": decision.patient},
    )


@require_safe
@permission_required(READ, raise_exception=True)
def procedure_detail(request, pk):
    procedure = get_object_or_404(
        Procedure.objects.visible_to(request.user).select_related(
            "patient", "surgeon", "decision", "entered_in_error_by"
        ),
        pk=pk,
    )
    record_view(request, procedure, detail="procedure")
    return render(
        request,
        "cases/procedure_detail.html",
        {
            "procedure": procedure,
            "patient": procedure.patient,
            "adverse_events": procedure.adverse_events.all(),
            "follow_ups": procedure.follow_ups.all(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.change_procedure", raise_exception=True)
def procedure_edit(request, pk):
    procedure = get_object_or_404(
        Procedure.objects.valid().visible_to(request.user),
        pk=pk,
    )
    return _edit(
        request,
        procedure,
        ProcedureForm,
        "cases/procedure_form.html",
        {"patient": procedure.patient, "decision": procedure.decision},
        gettext_lazy("Procedure updated."),
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.add_adverseevent", raise_exception=True)
def adverseevent_create(request, procedure_pk):
    procedure = get_object_or_404(
        Procedure.objects.valid().visible_to(request.user),
        pk=procedure_pk,
    )
    form = AdverseEventForm(
        request.POST or None, instance=AdverseEvent(procedure=procedure, patient=procedure.patient)
    )
    if form.is_valid():
        services.record_adverse_event(adverse_event=form.save(commit=False), by=request.user)
        messages.success(request, _("Adverse event recorded."))
        return redirect(procedure)
    record_view(request, procedure, detail="new adverse event form")
    return render(
        request,
        "cases/adverseevent_form.html",
        {"form": form, "procedure": procedure, "patient": procedure.patient},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.change_adverseevent", raise_exception=True)
def adverseevent_edit(request, pk):
    event = get_object_or_404(
        AdverseEvent.objects.valid().visible_to(request.user),
        pk=pk,
    )
    return _edit(
        request,
        event,
        AdverseEventForm,
        "cases/adverseevent_form.html",
        {"patient": event.patient, "procedure": event.procedure},
        gettext_lazy("Adverse event updated."),
    )


# --- follow-ups ----------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required("cases.change_followup", raise_exception=True)
def followup_form(request, pk):
    follow_up = get_object_or_404(
        FollowUp.objects.valid()
        .visible_to(request.user)
        .filter(cancelled_at__isnull=True)
        .select_related("patient", "procedure", "decision"),
        pk=pk,
    )
    form = FollowUpForm(request.POST or None, instance=follow_up)
    if form.is_valid():
        try:
            services.complete_follow_up(
                follow_up=form.save(commit=False),
                expected_version=form.cleaned_data["version"],
                by=request.user,
            )
        except ValidationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Follow-up recorded."))
            return redirect(follow_up.patient)
    record_view(request, follow_up, detail="follow-up form")
    return render(
        request,
        "cases/followup_form.html",
        {"form": form, "follow_up": follow_up, "patient": follow_up.patient},
    )


# --- entered in error ----------------------------------------------------------------------------

RECORD_MODELS = {
    "consult": Consult,
    "decision": CandidacyDecision,
    "procedure": Procedure,
    "adverseevent": AdverseEvent,
    "followup": FollowUp,
}


@require_http_methods(["GET", "HEAD", "POST"])
@permission_required(READ, raise_exception=True)
def entered_in_error(request, kind, pk):
    """Mark any clinical record as entered in error, with a reason (it is never deleted)."""
    model = RECORD_MODELS.get(kind)
    if model is None:
        raise Http404
    name = model._meta.model_name
    perm = "decide_candidacy" if model is CandidacyDecision else f"change_{name}"
    if not request.user.has_perm(f"cases.{perm}"):
        raise PermissionDenied
    record = get_object_or_404(model.objects.valid().visible_to(request.user), pk=pk)
    form = EnteredInErrorForm(request.POST or None)
    if form.is_valid():
        services.mark_entered_in_error(
            record=record, by=request.user, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request,
            _("The %(record)s is marked entered in error.") % {"record": model._meta.verbose_name},
        )
        return redirect(record.patient)
    record_view(request, record, detail="entered-in-error form")
    return render(
        request,
        "cases/record_confirm_entered_in_error.html",
        {"form": form, "record": record, "patient": record.patient},
    )


# --- research export -----------------------------------------------------------------------------


@require_safe
@permission_required("cases.export_research_data", raise_exception=True)
def export_index(request):
    export_id = export.start_export(request.session)  # the files downloaded from here share keys
    return render(
        request, "cases/export_index.html", {"tables": export.TABLES, "export_id": export_id}
    )


@require_POST
@permission_required("cases.export_research_data", raise_exception=True)
def export_csv(request, table):
    if table not in export.TABLES:
        raise Http404
    # The export id only picks a key from the session (a new one if it holds none); it is
    # never stored nor sent to the database.
    key = export.export_key(request.session, request.POST.get("export"))
    header, rows = export.rows(table, key=key)
    record_export(request, detail=f"research export {table}: {len(rows)} rows")
    return spreadsheet.csv_download(f"{table}-deidentified.csv", [header, *rows])
