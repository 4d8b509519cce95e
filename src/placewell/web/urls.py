from django.urls import include, path

from placewell.web import language, views

urlpatterns = [
    path("", views.home, name="home"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/<str:code>/", language.switch, name="language"),
    path("accounts/", include("placewell.accounts.urls")),
    path("participants/", include("placewell.participants.urls")),
    path("casework/", include("placewell.casework.urls")),
    path("refer/", include("placewell.participants.public_urls")),
    path("surveys/", include("placewell.surveys.urls")),
    path("q/", include("placewell.surveys.public_urls")),
    path("trials/", include("placewell.trials.urls")),
    path("employers/", include("placewell.employers.urls")),
    path("placements/", include("placewell.placements.urls")),
    path("fidelity/", include("placewell.fidelity.urls")),
    path("api/", include("placewell.api.urls")),
    path("insight/", include("placewell.insight.urls")),
    path("governance/", include("placewell.governance.urls")),
    path("analysis/", include("placewell.analysis.urls")),
    path("imports/", include("placewell.imports.urls")),
    path("jobs/", include("placewell.jobs.urls")),
    path("appointments/", include("placewell.appointments.urls")),
    path("messages/", include("placewell.messaging.urls")),
    path("documents/", include("placewell.documents.urls")),
    path("my-support/", include("placewell.portal.urls")),
    path("", include("placewell.ops.urls")),  # /healthz and /readyz
]

handler403 = "placewell.web.views.forbidden"
handler404 = "placewell.web.views.not_found"
