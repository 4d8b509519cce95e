from collections.abc import Callable

from django.http.response import HttpResponseBase
from django.urls import path

from placewell.trials import views_meeting as meeting
from placewell.trials import views_monitoring as monitoring
from placewell.trials import views_setup as setup

app_name = "trials"

# The first meeting runs for a participant (meeting_*) or, in training mode, for a made-up person (practice_*).
_FLOW: list[tuple[str, Callable[..., HttpResponseBase], str]] = [
    ("", meeting.start, "start"),
    ("eligibility/", meeting.eligibility, "eligibility"),
    ("eligibility/<int:rule_set>/question/<int:number>/", meeting.question, "question"),
    ("eligibility/<int:rule_set>/check/", meeting.eligibility_check, "eligibility_check"),
    ("information/", meeting.information, "information"),
    ("agreement/<str:format>/statement/<int:number>/", meeting.statement, "statement"),
    ("agreement/<str:format>/check/", meeting.agreement_check, "agreement_check"),
    ("background/", meeting.background, "background"),
    ("baseline/", meeting.baseline_page, "baseline"),
    ("check/", meeting.check, "check"),
]

urlpatterns = [
    path("", setup.trial_list, name="list"),
    path("new/", setup.create, name="create"),
    path("<int:pk>/", setup.detail, name="detail"),
    path("<int:pk>/design/", setup.edit, name="edit"),
    path("<int:pk>/sites/new/", setup.add_site, name="add_site"),
    path("<int:pk>/arms/new/", setup.add_arm, name="add_arm"),
    path("<int:pk>/strata/", setup.strata, name="strata"),
    path("<int:pk>/ratio/new/", setup.ratio_change, name="ratio_change"),
    path("<int:pk>/blinding/", setup.blinding, name="blinding"),
    path("<int:pk>/allocation-list/", setup.upload_list, name="upload_list"),
    path("<int:pk>/lock/", setup.lock, name="lock"),
    path("<int:pk>/close/", setup.close, name="close"),
    path("<int:pk>/recruitment/", monitoring.recruitment, name="recruitment"),
    path("<int:pk>/monitoring/", monitoring.interim, name="interim"),
    path("<int:pk>/balance/", monitoring.balance, name="balance"),
    path("<int:pk>/balance.csv", monitoring.balance_csv, name="balance_csv"),
    path("<int:pk>/allocations.csv", monitoring.allocations_csv, name="allocations_csv"),
    path("<int:pk>/log/", monitoring.log, name="log"),
    path("<int:trial>/leaflet/<str:arm>/", meeting.leaflet, name="leaflet"),
    path("<int:trial>/meeting/<int:pk>/result/", meeting.result, name="meeting_result"),
    *[
        path(f"<int:trial>/meeting/<int:pk>/{route}", view, name=f"meeting_{name}")
        for route, view, name in _FLOW
    ],
    *[path(f"<int:trial>/practice/{route}", view, name=f"practice_{name}") for route, view, name in _FLOW],
]
