from django.urls import path

from placewell.analysis import views

app_name = "analysis"

urlpatterns = [
    path("", views.index, name="index"),
    path("trials/<int:trial>/", views.trial_page, name="trial"),
    path("trials/<int:trial>/plans/new/", views.create_plan, name="plan_create"),
    path("trials/<int:trial>/plans/<int:version>/", views.plan_page, name="plan"),
    path("trials/<int:trial>/plans/<int:version>/edit/", views.plan_edit, name="plan_edit"),
    path("trials/<int:trial>/plans/<int:version>/lock/", views.plan_lock, name="plan_lock"),
    path(
        "trials/<int:trial>/plans/<int:version>/new-version/", views.plan_new_version, name="plan_new_version"
    ),
    path("trials/<int:trial>/plans/<int:version>/run/", views.plan_run, name="plan_run"),
    path("trials/<int:trial>/dataset/", views.trial_dataset, name="dataset"),
    path("trials/<int:trial>/linked-outcomes/", views.linkage_page, name="linkage"),
    path("trials/<int:trial>/statisticians/", views.statisticians, name="statisticians"),
    path(
        "trials/<int:trial>/statisticians/<int:pk>/remove/",
        views.remove_statistician,
        name="remove_statistician",
    ),
    path("runs/<int:pk>/", views.run_page, name="run"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/report.html", views.run_report_html, name="run_report_html"),
    path("runs/<int:pk>/report.pdf", views.run_report_pdf, name="run_report_pdf"),
    path("runs/<int:pk>/pdf/", views.run_pdf_status, name="run_pdf_status"),
    path("runs/<int:pk>/pdf/prepare/", views.run_pdf_prepare, name="run_pdf_prepare"),
    path("runs/<int:pk>/dataset/", views.run_dataset, name="run_dataset"),
]
