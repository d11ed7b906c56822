from django.urls import path

from education import views

app_name = "education"

urlpatterns = [
    path("", views.library, name="library"),
    path("articles/<slug:slug>/", views.article_detail, name="article_detail"),
    path("articles/<slug:slug>/<str:language>/", views.article_detail, name="article_detail"),
    # Writing and clinical review
    path("manage/", views.manage_article_list, name="manage_article_list"),
    path("manage/new/", views.article_create, name="article_create"),
    path("manage/<int:pk>/", views.article_versions, name="article_versions"),
    path("manage/<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("manage/<int:pk>/retire/", views.article_retire, name="article_retire"),
    path("manage/versions/<int:pk>/", views.version_detail, name="version_detail"),
    path("manage/versions/<int:pk>/preview/", views.version_preview, name="version_preview"),
    path("manage/versions/<int:pk>/diff/", views.version_diff_view, name="version_diff"),
    path("manage/versions/<int:pk>/<slug:action>/", views.version_action, name="version_action"),
    # Assigned reading
    path("patients/<int:patient_pk>/assign/", views.assign_article, name="assign_article"),
    path(
        "patients/<int:patient_pk>/reading/",
        views.patient_assignments,
        name="patient_assignments",
    ),
    path("assignments/", views.assignment_list, name="assignment_list"),
    path("assignments/<int:pk>/", views.assignment_detail, name="assignment_detail"),
    path(
        "assignments/<int:pk>/understood/",
        views.assignment_understood,
        name="assignment_understood",
    ),
    path("assignments/<int:pk>/question/", views.assignment_question, name="assignment_question"),
    path("assignments/<int:pk>/answer/", views.assignment_answer, name="assignment_answer"),
]
