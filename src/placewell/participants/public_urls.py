from django.urls import path

from placewell.participants import views_public as v

app_name = "public"

urlpatterns = [
    path("", v.start, name="start"),
    path("easy-read/", v.easy_read, name="easy_read"),
    path("service/", v.service, name="service"),
    path("name/", v.name, name="name"),
    path("date-of-birth/", v.date_of_birth, name="dob"),
    path("contact/", v.contact, name="contact"),
    path("work/", v.work, name="work"),
    path("help/", v.help_wanted, name="help"),
    path("check/", v.check, name="check"),
    path("done/", v.done, name="done"),
]
