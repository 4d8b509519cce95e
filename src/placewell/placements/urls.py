from django.urls import path

from placewell.placements import views

app_name = "placements"

urlpatterns = [
    path("outcomes/", views.outcomes_page, name="outcomes"),
    path("participants/<int:pk>/", views.jobs, name="jobs"),
    path("participants/<int:pk>/new/", views.job_new, name="job_new"),
    path("participants/<int:pk>/jobs/<int:job>/end/", views.job_end, name="job_end"),
    path("participants/<int:pk>/jobs/<int:job>/plan/", views.plan, name="plan"),
]
