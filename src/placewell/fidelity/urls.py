from django.urls import path

from placewell.fidelity import views, views_scoring

app_name = "fidelity"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_new, name="new"),
    path("past/new/", views.past_review_new, name="past_new"),
    path("compare/", views.trends, name="trends"),
    path("<int:review>/", views.review_detail, name="detail"),
    path("<int:review>/report/", views.report, name="report"),
    path("<int:review>/score/<slug:section>/", views_scoring.score_section, name="score"),
    path("<int:review>/submit/", views_scoring.submit, name="submit"),
    path("<int:review>/agreement/", views_scoring.agreement, name="agreement"),
    path("<int:review>/agree/<slug:section>/", views_scoring.agree_section, name="agree"),
    path("<int:review>/complete/", views_scoring.complete, name="complete"),
    path("<int:review>/actions/new/", views_scoring.action_new, name="action_new"),
]
