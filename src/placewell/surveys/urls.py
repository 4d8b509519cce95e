from django.urls import path

from placewell.surveys import views, views_admin, views_rates

app_name = "surveys"

urlpatterns = [
    path("", views_rates.overview, name="overview"),
    path("response-rates/", views_rates.response_rates, name="rates"),
    path("waves/<int:pk>/fieldwork/", views.fieldwork, name="fieldwork"),
    path("participants/<int:pk>/", views.participant_surveys, name="participant"),
    path("participants/<int:pk>/enrol/", views.enrol, name="enrol"),
    path("participants/<int:pk>/administer/", views.administer_start, name="administer_start"),
    path("participants/<int:pk>/administer/<str:instrument>/", views.administer, name="administer"),
    path("responses/<int:pk>/", views.response_detail, name="response"),
    path("invitations/<int:pk>/", views.invitation_detail, name="invitation"),
    path("invitations/<int:pk>/link/", views.create_link, name="create_link"),
    path("wording/", views_admin.wording_list, name="wording_list"),
    path("wording/<str:instrument>/", views_admin.wording_load, name="wording_load"),
    path("services/<int:pk>/waves/", views_admin.wave_list, name="wave_list"),
    path("waves/<int:pk>/", views_admin.wave_edit, name="wave_edit"),
]
