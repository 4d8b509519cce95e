from django.urls import path

from placewell.surveys import views_public as v

app_name = "questionnaire"

urlpatterns = [
    path("thank-you/", v.thanks, name="thanks"),
    path("<str:token>/", v.start, name="start"),
    path("<str:token>/easy-read/", v.easy_read, name="easy_read"),
    path("<str:token>/page/<int:number>/", v.page, name="page"),
    path("<str:token>/saved/", v.saved, name="saved"),
    path("<str:token>/check/", v.check, name="check"),
]
