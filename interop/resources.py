"""The portal's records as FHIR R4 resources: plain dicts, built here and nowhere else.

Each resource type is served from one or more *sources*: a queryset of one model whose rows each
make one resource (an Observation comes from seven: the consult's baseline NRS back, NRS leg and
ODI, the follow-up's three, and the procedure's length of stay). Searches, ``$everything`` and
bulk exports all read the sources, so a record looks the same wherever it is read.

Records entered in error are served with status ``entered-in-error`` (AdverseEvent has no
status in R4: the R5 status travels in the cross-version extension), never dropped.

The ODI's licensed wording is never exported: check-ins carry item codes and marks only.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.conf import settings
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce

LOINC = "http://loinc.org"
SNOMED = "http://snomed.info/sct"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
CONDITION_CATEGORY = "http://terminology.hl7.org/CodeSystem/condition-category"
CONDITION_VERIFICATION = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
ADVERSE_EVENT_STATUS = "http://hl7.org/fhir/5.0/StructureDefinition/extension-AdverseEvent.status"


def local(name):
    """The URI of one of the portal's own code systems or extensions."""
    return f"{settings.FHIR_SYSTEM_BASE}/{name}"


# ICD-10-CM by level: L1–L5 are the lumbar region, L5-S1 the lumbosacral. With leg-dominant
# (radicular) symptoms M51.1- (disc disorder with radiculopathy), else M51.2- (other disc
# displacement).
LUMBOSACRAL_LEVELS = {"L5-S1"}
ICD10_DISPLAY = {
    "M51.16": "Intervertebral disc disorders with radiculopathy, lumbar region",
    "M51.17": "Intervertebral disc disorders with radiculopathy, lumbosacral region",
    "M51.26": "Other intervertebral disc displacement, lumbar region",
    "M51.27": "Other intervertebral disc displacement, lumbosacral region",
}

# Body sites of the pain scores (SNOMED CT body structures).
BACK = {"system": SNOMED, "code": "77568009", "display": "Structure of back of trunk"}
LEG = {"system": SNOMED, "code": "61685007", "display": "Lower limb structure"}
NRS_CODE = {
    "system": LOINC,
    "code": "72514-3",
    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
}


def icd10_code(consult):
    radicular = consult.dominant_pain == "leg"
    region = "7" if consult.level in LUMBOSACRAL_LEVELS else "6"
    return f"M51.{'1' if radicular else '2'}{region}"


def instant(value):
    """A FHIR instant/dateTime (UTC, seconds) from an aware datetime."""
    return value.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def day(value):
    return value.isoformat() if isinstance(value, date) else None


def meta(row):
    return {"lastUpdated": instant(row.last_updated)}


def patient_ref(patient_id):
    return {"reference": f"Patient/{patient_id}"}


def person(user):
    return {"display": user.get_full_name() or user.get_username()} if user else None


def concept(system, code, display, text=None):
    return {
        "coding": [{"system": system, "code": code, "display": display}],
        "text": text or display,
    }


def prune(resource):
    """Drop empty values: FHIR allows no null, empty string, list or object."""
    if isinstance(resource, dict):
        pruned = {key: prune(value) for key, value in resource.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(resource, list):
        return [item for item in (prune(v) for v in resource) if item not in (None, "", [], {})]
    return resource


def level_site(record):
    """The herniation's or operation's levels and side as a body site."""
    levels = [record.level] + ([record.second_level] if record.second_level else [])
    return {
        "coding": [
            {"system": local("CodeSystem/spinal-level"), "code": level, "display": level}
            for level in levels
        ],
        "text": f"{', '.join(levels)} intervertebral disc, {record.get_side_display().lower()}",
    }


# --- Patient ---------------------------------------------------------------------------------
def patient_resource(patient):
    return prune(
        {
            "resourceType": "Patient",
            "id": str(patient.pk),
            "meta": meta(patient),
            "identifier": [
                {"use": "usual", "system": settings.FHIR_MRN_SYSTEM, "value": patient.mrn}
            ],
            "name": [
                {"use": "official", "family": patient.family_name, "given": [patient.given_name]}
            ],
            "gender": patient.sex,  # female, male, other, unknown: FHIR's administrative gender
            "birthDate": day(patient.date_of_birth),
            "telecom": [
                {"system": "email", "value": patient.email} if patient.email else None,
                {"system": "phone", "value": patient.phone} if patient.phone else None,
            ],
            "communication": [
                {
                    "language": {
                        "coding": [
                            {"system": "urn:ietf:bcp:47", "code": patient.preferred_language}
                        ]
                    },
                    "preferred": True,
                }
            ],
            "generalPractitioner": [person(patient.primary_specialist)],
        }
    )


# --- Condition (the consult's diagnosis) -----------------------------------------------------
def condition_resource(consult):
    code = icd10_code(consult)
    in_error = consult.entered_in_error
    return prune(
        {
            "resourceType": "Condition",
            "id": str(consult.pk),
            "meta": meta(consult),
            # No clinicalStatus for a record entered in error (invariant con-5).
            "verificationStatus": concept(
                CONDITION_VERIFICATION,
                "entered-in-error" if in_error else "confirmed",
                "Entered in Error" if in_error else "Confirmed",
            ),
            "category": [concept(CONDITION_CATEGORY, "encounter-diagnosis", "Encounter Diagnosis")],
            "code": {
                "coding": [{"system": ICD10CM, "code": code, "display": ICD10_DISPLAY[code]}],
                "text": f"Lumbar disc herniation ({consult.get_morphology_display().lower()}, "
                f"{consult.get_zone_display().lower()}), {consult.levels_display}, "
                f"{consult.get_side_display().lower()}",
            },
            "bodySite": [level_site(consult)],
            "subject": patient_ref(consult.patient_id),
            "recordedDate": day(consult.consult_date),
            "recorder": person(consult.specialist),
        }
    )


# --- Procedure -------------------------------------------------------------------------------
def procedure_resource(procedure):
    return prune(
        {
            "resourceType": "Procedure",
            "id": str(procedure.pk),
            "meta": meta(procedure),
            "extension": [
                {
                    "url": local("StructureDefinition/converted-to-open"),
                    "valueBoolean": procedure.converted_to_open,
                }
            ],
            "status": "entered-in-error" if procedure.entered_in_error else "completed",
            "code": concept(
                local("CodeSystem/technique"),
                procedure.technique,
                procedure.get_technique_display(),
            ),
            "subject": patient_ref(procedure.patient_id),
            "performedPeriod": {
                "start": instant(procedure.admitted_at) if procedure.admitted_at else None,
                "end": instant(procedure.discharged_at) if procedure.discharged_at else None,
            }
            if procedure.admitted_at
            else None,
            "performedDateTime": None if procedure.admitted_at else day(procedure.procedure_date),
            "performer": [{"actor": person(procedure.surgeon)}] if procedure.surgeon else [],
            "bodySite": [level_site(procedure)],
            "reasonReference": [{"reference": f"Condition/{procedure.decision.consult_id}"}],
        }
    )


# --- Observation -----------------------------------------------------------------------------
def _observation(row, *, kind, code, value, when, site=None, category="survey"):
    return prune(
        {
            "resourceType": "Observation",
            "id": f"{kind}-{row.pk}",
            "meta": meta(row),
            "status": "entered-in-error" if row.entered_in_error else "final",
            "category": [
                concept(OBSERVATION_CATEGORY, category, category.replace("-", " ").capitalize())
            ]
            if category
            else [],
            "code": code,
            "subject": patient_ref(row.patient_id),
            "bodySite": {"coding": [site], "text": site["display"]} if site else None,
            **when,
            **value,
        }
    )


def nrs_observation(row, *, kind, region, when):
    value = row.nrs_back if region == "back" else row.nrs_leg
    site = BACK if region == "back" else LEG
    return _observation(
        row,
        kind=kind,
        code={"coding": [NRS_CODE], "text": f"NRS {region} pain (0-10)"},
        value={"valueInteger": value},
        when=when,
        site=site,
    )


def odi_observation(row, *, kind, when):
    return _observation(
        row,
        kind=kind,
        code=concept(local("CodeSystem/outcome"), "odi-score", "Oswestry Disability Index score"),
        value={"valueQuantity": {"value": row.odi_score, "unit": "%", "system": UCUM, "code": "%"}},
        when=when,
    )


def length_of_stay_observation(procedure):
    return _observation(
        procedure,
        kind="procedure-los",
        code=concept(local("CodeSystem/outcome"), "length-of-stay", "Length of stay"),
        value={
            "valueQuantity": {
                "value": float(procedure.length_of_stay_hours),
                "unit": "h",
                "system": UCUM,
                "code": "h",
            },
            "component": [
                {
                    "code": concept(local("CodeSystem/outcome"), "nights", "Nights in hospital"),
                    "valueInteger": procedure.length_of_stay_nights,
                }
            ],
            "partOf": [{"reference": f"Procedure/{procedure.pk}"}],
        },
        when={
            "effectivePeriod": {
                "start": instant(procedure.admitted_at),
                "end": instant(procedure.discharged_at),
            }
        },
        category=None,
    )


def _consult_when(consult):
    return {"effectiveDateTime": day(consult.consult_date)}


def _followup_when(follow_up):
    return {"effectiveDateTime": day(follow_up.assessed_on)}


# --- QuestionnaireResponse (a patient's check-in) --------------------------------------------
def _answer(link_id, **value):
    value = {key: v for key, v in value.items() if v not in (None, "")}
    return {"linkId": link_id, "answer": [value]} if value else None


def questionnaire_response_resource(follow_up):
    odi_items = [
        {"linkId": code, "answer": [{"valueInteger": int(mark)} for mark in marks]}
        for code, marks in sorted(follow_up.odi_answers.items())
        if isinstance(marks, list) and marks
    ]
    effect = follow_up.global_perceived_effect
    return prune(
        {
            "resourceType": "QuestionnaireResponse",
            "id": str(follow_up.pk),
            "meta": meta(follow_up),
            "questionnaire": local(f"Questionnaire/checkin-{follow_up.timepoint}"),
            "status": "entered-in-error" if follow_up.entered_in_error else "completed",
            "subject": patient_ref(follow_up.patient_id),
            "source": patient_ref(follow_up.patient_id),
            "authored": instant(follow_up.completed_at),
            "item": [
                _answer("nrs_back", valueInteger=follow_up.nrs_back),
                _answer("nrs_leg", valueInteger=follow_up.nrs_leg),
                _answer(
                    "returned_to_daily_activities_on",
                    valueDate=day(follow_up.returned_to_daily_activities_on),
                ),
                _answer("returned_to_work_on", valueDate=day(follow_up.returned_to_work_on)),
                _answer("satisfaction", valueInteger=follow_up.satisfaction),
                _answer(
                    "global_perceived_effect",
                    valueCoding={
                        "system": local("CodeSystem/global-perceived-effect"),
                        "code": effect,
                    }
                    if effect
                    else None,
                ),
                {"linkId": "odi", "item": odi_items} if odi_items else None,
            ],
        }
    )


# --- AdverseEvent ----------------------------------------------------------------------------
def adverse_event_resource(event):
    return prune(
        {
            "resourceType": "AdverseEvent",
            "id": str(event.pk),
            "meta": meta(event),
            "extension": [{"url": ADVERSE_EVENT_STATUS, "valueCode": "entered-in-error"}]
            if event.entered_in_error
            else [],
            "actuality": "actual",
            "event": concept(
                local("CodeSystem/adverse-event-type"),
                event.event_type,
                event.get_event_type_display(),
            ),
            "subject": patient_ref(event.patient_id),
            "date": day(event.onset_date),
            "seriousness": concept(
                local("CodeSystem/clavien-dindo"),
                event.clavien_dindo_grade,
                f"Clavien-Dindo grade {event.clavien_dindo_grade}",
                text=f"Clavien-Dindo {event.get_clavien_dindo_grade_display()}",
            ),
            "suspectEntity": [{"instance": {"reference": f"Procedure/{event.procedure_id}"}}],
        }
    )


# --- Sources ---------------------------------------------------------------------------------
def with_last_updated(queryset):
    """Annotate ``last_updated``: the newest entry of the record's history (every change is
    saved through the model, so it is there), else when it was recorded."""
    history = queryset.model.history.model
    newest = (
        history.objects.filter(id=OuterRef("pk")).order_by("-history_date").values("history_date")
    )
    return queryset.annotate(last_updated=Coalesce(Subquery(newest[:1]), F("recorded_at")))


@dataclass(frozen=True)
class Source:
    """One model's rows, each one resource of ``resource_type``."""

    key: str  # unique; the page marker names it
    resource_type: str
    rows: callable  # () -> QuerySet with last_updated
    build: callable  # row -> resource dict
    date_field: str  # the clinical date searched by ``date``
    patient_field: str = "patient_id"
    prefix: str = ""  # Observation ids: f"{prefix}{pk}"

    def resource_id(self, row):
        return f"{self.prefix}{row.pk}"


def _patients():
    from clinic.models import Patient

    return Patient.objects.select_related("primary_specialist").annotate(
        last_updated=F("updated_at")
    )


def _consults(**filters):
    def rows():
        from cases.models import Consult

        return with_last_updated(Consult.objects.select_related("specialist").filter(**filters))

    return rows


def _procedures(**filters):
    def rows():
        from cases.models import Procedure

        return with_last_updated(
            Procedure.objects.select_related("surgeon", "decision").filter(**filters)
        )

    return rows


def _follow_ups(**filters):
    def rows():
        from cases.models import FollowUp

        return with_last_updated(FollowUp.objects.filter(**filters))

    return rows


def _adverse_events():
    from cases.models import AdverseEvent

    return with_last_updated(AdverseEvent.objects.all())


def _nrs(kind, region, when):
    return lambda row: nrs_observation(row, kind=kind, region=region, when=when(row))


def _odi(kind, when):
    return lambda row: odi_observation(row, kind=kind, when=when(row))


SOURCES = (
    Source("patient", "Patient", _patients, patient_resource, "created_at", patient_field="pk"),
    Source("condition", "Condition", _consults(), condition_resource, "consult_date"),
    Source("procedure", "Procedure", _procedures(), procedure_resource, "procedure_date"),
    Source(
        "obs-consult-nrs-back",
        "Observation",
        _consults(),
        _nrs("consult-nrs-back", "back", _consult_when),
        "consult_date",
        prefix="consult-nrs-back-",
    ),
    Source(
        "obs-consult-nrs-leg",
        "Observation",
        _consults(),
        _nrs("consult-nrs-leg", "leg", _consult_when),
        "consult_date",
        prefix="consult-nrs-leg-",
    ),
    Source(
        "obs-consult-odi",
        "Observation",
        _consults(odi_score__isnull=False),
        _odi("consult-odi", _consult_when),
        "consult_date",
        prefix="consult-odi-",
    ),
    Source(
        "obs-followup-nrs-back",
        "Observation",
        _follow_ups(nrs_back__isnull=False, assessed_on__isnull=False),
        _nrs("followup-nrs-back", "back", _followup_when),
        "assessed_on",
        prefix="followup-nrs-back-",
    ),
    Source(
        "obs-followup-nrs-leg",
        "Observation",
        _follow_ups(nrs_leg__isnull=False, assessed_on__isnull=False),
        _nrs("followup-nrs-leg", "leg", _followup_when),
        "assessed_on",
        prefix="followup-nrs-leg-",
    ),
    Source(
        "obs-followup-odi",
        "Observation",
        _follow_ups(odi_score__isnull=False, assessed_on__isnull=False),
        _odi("followup-odi", _followup_when),
        "assessed_on",
        prefix="followup-odi-",
    ),
    Source(
        "obs-procedure-los",
        "Observation",
        _procedures(length_of_stay_hours__isnull=False, admitted_at__isnull=False),
        length_of_stay_observation,
        "procedure_date",
        prefix="procedure-los-",
    ),
    Source(
        "questionnaire-response",
        "QuestionnaireResponse",
        _follow_ups(source="patient", completed_at__isnull=False),
        questionnaire_response_resource,
        "completed_at__date",
    ),
    Source("adverse-event", "AdverseEvent", _adverse_events, adverse_event_resource, "onset_date"),
)
SOURCE_BY_KEY = {source.key: source for source in SOURCES}


def sources_of(resource_type):
    return [source for source in SOURCES if source.resource_type == resource_type]


def source_for_id(resource_type, resource_id):
    """(source, primary key) a resource id names, or (None, None)."""
    for source in sources_of(resource_type):
        rest = resource_id.removeprefix(source.prefix) if source.prefix else resource_id
        if (not source.prefix or resource_id.startswith(source.prefix)) and _is_pk(rest):
            return source, int(rest)
    return None, None


def _is_pk(text):
    return text.isascii() and text.isdigit() and 0 < len(text) <= 18


def row_date(source, row):
    value = getattr(row, source.date_field.removesuffix("__date"))
    return value.date() if isinstance(value, datetime) else value
