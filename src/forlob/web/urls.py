from django.urls import include, path
from django.views.generic import RedirectView

from forlob.web.api import api
from forlob.web.views import (
    auditlog,
    auth,
    courses,
    exports,
    health,
    letters,
    lines,
    outcome_report,
    patients,
    questionnaires,
    triage,
    worklist,
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="worklist", permanent=False), name="index"),
    path("healthz", health.healthz, name="healthz"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("clinic/choose/", auth.choose_clinic_view, name="choose-clinic"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("worklist/", worklist.worklist, name="worklist"),
    path("patients/", patients.patient_list, name="patients"),
    path("patients/new/", patients.patient_create, name="patient-create"),
    path("patients/<int:patient_id>/", patients.patient_detail, name="patient"),
    path("patients/<int:patient_id>/edit/", patients.patient_edit, name="patient-edit"),
    path("patients/<int:patient_id>/triage/", triage.patient_triage, name="patient-triage"),
    path(
        "patients/<int:patient_id>/referrals/new/",
        patients.referral_create,
        name="referral-create",
    ),
    path("referrals/<int:referral_id>/courses/new/", courses.course_start, name="course-start"),
    path("courses/<int:course_id>/", courses.course_detail, name="course"),
    path("courses/<int:course_id>/edit/", courses.course_edit, name="course-edit"),
    path("courses/<int:course_id>/lines/new/", lines.line_create, name="line-create"),
    path("lines/<int:line_id>/edit/", lines.line_edit, name="line-edit"),
    path("lines/<int:line_id>/delete/", lines.line_delete, name="line-delete"),
    path(
        "courses/<int:course_id>/questionnaires/send/",
        questionnaires.round_send,
        name="round-send",
    ),
    path(
        "courses/<int:course_id>/questionnaires/enter/",
        questionnaires.round_enter,
        name="round-enter",
    ),
    path("courses/<int:course_id>/chart.svg", questionnaires.course_chart, name="course-chart"),
    path("q/<str:token>/", questionnaires.patient_form, name="patient-questionnaire"),
    path("courses/<int:course_id>/export.csv", exports.course_export, name="course-export"),
    path("clinic/export.csv", exports.clinic_export, name="clinic-export"),
    path("clinic/audit-log/", auditlog.audit_log, name="audit-log"),
    path("clinic/report/", outcome_report.clinic_report, name="clinic-report"),
    path("courses/<int:course_id>/letters/<str:kind>/", letters.letter_edit, name="letter"),
    path("courses/<int:course_id>/letters/<str:kind>.pdf", letters.letter_pdf, name="letter-pdf"),
    path("api/v1/", api.urls),
]
