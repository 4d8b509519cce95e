from django.urls import path

from placewell.appointments import calendars, diary, figures, views, views_venues

app_name = "appointments"

urlpatterns = [
    path("participant/<int:pk>/book/", views.book, name="book"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/move/", views.reschedule, name="reschedule"),
    path("<int:pk>/cancel/", views.cancel, name="cancel"),
    path("<int:pk>/attended/", views.outcome, {"came": "attended"}, name="attended"),
    path("<int:pk>/not-attended/", views.outcome, {"came": "not-attended"}, name="not_attended"),
    path("<int:pk>/appointment.ics", calendars.appointment_ics, name="ics"),
    path("diary/", diary.diary, name="diary"),
    path("team/", diary.team, name="team"),
    path("calendar/", calendars.feed_page, name="feed_page"),
    path("calendar/<str:token>.ics", calendars.feed, name="feed"),
    path("venues/", views_venues.venues, name="venues"),
    path("figures/", figures.figures, name="figures"),
]
