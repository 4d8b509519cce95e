from django.urls import path

from placewell.employers import views, views_vacancies

app_name = "employers"

urlpatterns = [
    path("", views.employer_list, name="list"),
    path("new/", views.employer_new, name="new"),
    path("<int:employer>/", views.employer_detail, name="detail"),
    path("<int:employer>/edit/", views.employer_edit, name="edit"),
    path("<int:employer>/people/new/", views.person_add, name="person_add"),
    path("<int:employer>/contacts/new/", views.engagement_new, name="engagement_new"),
    path("<int:employer>/vacancies/new/", views_vacancies.vacancy_new, name="vacancy_new"),
    path("vacancies/", views_vacancies.vacancy_list, name="vacancies"),
    path("vacancies/<int:vacancy>/", views_vacancies.vacancy_detail, name="vacancy"),
    path("vacancies/<int:vacancy>/edit/", views_vacancies.vacancy_edit, name="vacancy_edit"),
    path("vacancies/<int:vacancy>/status/", views_vacancies.vacancy_status, name="vacancy_status"),
    path("engagement/", views_vacancies.engagement_mine, name="engagement"),
    path("engagement/team/", views_vacancies.engagement_team, name="engagement_team"),
    path("participants/<int:pk>/matches/", views_vacancies.participant_matches, name="matches"),
    path("participants/<int:pk>/matches/<int:vacancy>/", views_vacancies.match_record, name="match"),
]
