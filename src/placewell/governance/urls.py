from django.urls import path

from placewell.governance import views

app_name = "governance"

urlpatterns = [
    path("research-extract/", views.research_extract, name="extract"),
]
