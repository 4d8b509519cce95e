from django.urls import path

from placewell.insight import views

app_name = "insight"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("charts/<slug:chart>.csv", views.chart_csv, name="chart_csv"),
    path("evidence/", views.evidence, name="evidence"),
    path("evidence.csv", views.evidence_csv, name="evidence_csv"),
]
