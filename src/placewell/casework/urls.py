from django.urls import path

from placewell.casework import views, views_caseload, views_notes, views_plan

app_name = "casework"

urlpatterns = [
    path("caseload/", views_caseload.my_caseload, name="caseload"),
    path("team/", views_caseload.team, name="team"),
    path("week/", views_caseload.week, name="week"),
    path("transfer/", views_caseload.transfer, name="transfer"),
    path("participants/<int:pk>/contacts/", views.contacts, name="contacts"),
    path("participants/<int:pk>/contacts/<int:contact_id>/", views.contact_change, name="contact_change"),
    path("participants/<int:pk>/profile/", views.profile, name="profile"),
    path("participants/<int:pk>/profile/version/<int:version>/", views.profile, name="profile_version"),
    path("participants/<int:pk>/profile/change/", views.profile_edit, name="profile_edit"),
    path("participants/<int:pk>/plan/", views_plan.plan, name="plan"),
    path("participants/<int:pk>/my-plan/", views_plan.my_plan, name="my_plan"),
    path("participants/<int:pk>/plan/goals/", views_plan.goal_add, name="goal_add"),
    path("participants/<int:pk>/plan/goals/<int:goal_id>/steps/", views_plan.step_add, name="step_add"),
    path(
        "participants/<int:pk>/plan/goals/<int:goal_id>/status/", views_plan.goal_status, name="goal_status"
    ),
    path("participants/<int:pk>/plan/steps/<int:step_id>/done/", views_plan.step_done, name="step_done"),
    path("participants/<int:pk>/health/", views_plan.health, name="health"),
    path("participants/<int:pk>/health/liaison/", views_plan.health_add, name="health_add"),
    path("participants/<int:pk>/health/benefits/", views_plan.benefits_add, name="benefits_add"),
    path("participants/<int:pk>/ending/", views_plan.ending, name="ending"),
    path("participants/<int:pk>/notes/", views_notes.notes, name="notes"),
    path("participants/<int:pk>/alerts/<slug:rule>/snooze/", views_notes.snooze, name="snooze"),
]
