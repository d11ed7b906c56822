"""The CapabilityStatement (/fhir/r4/metadata): exactly what the API serves."""

from django.conf import settings

from interop.models import RESOURCE_TYPES
from interop.search import COMMON_PARAMETERS, TYPE_PARAMETERS

BULK = "http://hl7.org/fhir/uv/bulkdata"
PARAMETER_DOCUMENTATION = {
    "_count": "Resources per page (1-{max}; default {default}).",
    "_lastUpdated": "When the record last changed (its history).",
    "_page": "Page marker: follow the Bundle's next link.",
    "_format": "json only.",
    "patient": "Patient id (12 or Patient/12).",
    "date": "The record's clinical date.",
    "recorded-date": "The consult's date.",
    "authored": "When the patient sent the check-in.",
}


def search_parameters(resource_type):
    parameters = {**TYPE_PARAMETERS[resource_type], **COMMON_PARAMETERS}
    return [
        {
            "name": name,
            "type": kind,
            "documentation": PARAMETER_DOCUMENTATION[name].format(
                max=settings.FHIR_MAX_PAGE_SIZE, default=settings.FHIR_PAGE_SIZE
            ),
        }
        for name, kind in parameters.items()
    ]


def capability_statement(base):
    resources = []
    for resource_type in RESOURCE_TYPES:
        resource = {
            "type": resource_type,
            "interaction": [{"code": "read"}, {"code": "search-type"}],
            "searchParam": search_parameters(resource_type),
        }
        if resource_type == "Patient":
            resource["operation"] = [
                {
                    "name": "everything",
                    "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                },
                {"name": "export", "definition": f"{BULK}/OperationDefinition/patient-export"},
            ]
        resources.append(resource)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-11-30",
        "publisher": settings.CLINIC_NAME,
        "kind": "instance",
        "instantiates": [f"{BULK}/CapabilityStatement/bulk-data"],
        "software": {"name": "Clinic portal FHIR API"},
        "implementation": {"description": f"{settings.CLINIC_NAME} portal", "url": base},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "description": "Bearer tokens of API clients that a superuser creates; "
                    "SMART-style scopes system/<Type>.read or system/*.read.",
                },
                "resource": resources,
                "operation": [
                    {"name": "export", "definition": f"{BULK}/OperationDefinition/export"}
                ],
            }
        ],
    }
