from django.urls import path

from placewell.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.start, name="start"),
    path("<str:kind>/dictionary/", views.dictionary, name="dictionary"),
    path("<str:kind>/template.csv", views.template_csv, name="template_csv"),
    path("<str:kind>/template.xlsx", views.template_xlsx, name="template_xlsx"),
    path("<int:job>/", views.job_page, name="job"),
    path("<int:job>/progress/", views.progress, name="progress"),
    path("<int:job>/confirm/", views.confirm, name="confirm"),
]
