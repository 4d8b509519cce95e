from django.urls import path

from placewell.participants import views, views_agreement, views_queue, views_referral, views_screening

app_name = "participants"

urlpatterns = [
    path("", views.participant_list, name="list"),
    path("queue/", views_queue.referral_queue, name="queue"),
    path("refer/", views_referral.start, name="refer"),
    path("refer/person/", views_referral.person, name="refer_person"),
    path("refer/possible-duplicates/", views_referral.duplicates, name="refer_duplicates"),
    path("refer/contact/", views_referral.contact, name="refer_contact"),
    path("refer/referral/", views_referral.referral, name="refer_referral"),
    path("refer/check/", views_referral.check, name="refer_check"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/details/", views.edit_details, name="edit_details"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/status/<str:action>/", views.change_status, name="change_status"),
    path("<int:pk>/close/", views.close, name="close"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/erase/", views.erase, name="erase"),
    path("<int:pk>/screen/", views_screening.start, name="screen"),
    path(
        "<int:pk>/screen/<int:rule_set>/question/<int:number>/",
        views_screening.question,
        name="screen_question",
    ),
    path("<int:pk>/screen/<int:rule_set>/check/", views_screening.check, name="screen_check"),
    path("<int:pk>/agreement/", views_agreement.start, name="agreement"),
    path(
        "<int:pk>/agreement/<int:document>/<str:format>/statement/<int:number>/",
        views_agreement.statement,
        name="agreement_statement",
    ),
    path(
        "<int:pk>/agreement/<int:document>/<str:format>/check/", views_agreement.check, name="agreement_check"
    ),
]
