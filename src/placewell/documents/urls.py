from django.urls import path

from placewell.documents import views

app_name = "documents"
urlpatterns = [
    path("participant/<int:pk>/upload/", views.upload, name="upload"),
    path("<int:pk>/download/", views.download, name="download"),
]
