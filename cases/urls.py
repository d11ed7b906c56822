from django.urls import path

from cases import checkins_views, views, views_outcomes, views_progress, views_quality

app_name = "cases"

urlpatterns = [
    path("patients/", views.patient_list, name="patient_list"),
    path("patients/new/", views.patient_create, name="patient_create"),
    path("patients/<int:pk>/", views.patient_detail, name="patient_detail"),
    path("patients/<int:pk>/edit/", views.patient_edit, name="patient_edit"),
    path("patients/<int:pk>/invite/", views.patient_invite, name="patient_invite"),
    path("patients/<int:patient_pk>/consults/new/", views.consult_create, name="consult_create"),
    path("consults/<int:pk>/", views.consult_detail, name="consult_detail"),
    path("consults/<int:pk>/edit/", views.consult_edit, name="consult_edit"),
    path("consults/<int:consult_pk>/decide/", views.decision_create, name="decision_create"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("decisions/<int:pk>/amend/", views.decision_amend, name="decision_amend"),
    path("decisions/<int:decision_pk>/procedure/", views.procedure_create, name="procedure_create"),
    path("procedures/<int:pk>/", views.procedure_detail, name="procedure_detail"),
    path("procedures/<int:pk>/edit/", views.procedure_edit, name="procedure_edit"),
    path(
        "procedures/<int:procedure_pk>/adverse-events/new/",
        views.adverseevent_create,
        name="adverseevent_create",
    ),
    path("adverse-events/<int:pk>/edit/", views.adverseevent_edit, name="adverseevent_edit"),
    path("follow-ups/<int:pk>/", views.followup_form, name="followup_form"),
    path(
        "<slug:kind>/<int:pk>/entered-in-error/",
        views.entered_in_error,
        name="entered_in_error",
    ),
    path("outcomes/", views_outcomes.outcome_dashboard, name="outcomes"),
    path("data-quality/", views_quality.data_quality, name="data_quality"),
    path("export/", views.export_index, name="export_index"),
    path("export/<slug:table>.csv", views.export_csv, name="export_csv"),
    # The patient's own check-ins (patients only; see cases/checkins_views.py).
    path("checkins/<int:pk>/", checkins_views.checkin, name="checkin"),
    path("my-progress/", views_progress.my_progress, name="my_progress"),
    # The link in a check-in email (no login; see cases/checkins_views.py) and the opt-out.
    path("checkin-link/", checkins_views.checkin_link, name="checkin_link"),
    path("checkin-link/done/", checkins_views.checkin_link_done, name="checkin_link_done"),
    path("checkin-link/<str:token>/", checkins_views.checkin_link_open, name="checkin_link_open"),
    path("email-preferences/", checkins_views.email_preferences, name="email_preferences"),
    path(
        "email-preferences/unsubscribe/<str:token>/",
        checkins_views.checkin_unsubscribe,
        name="checkin_unsubscribe",
    ),
]
