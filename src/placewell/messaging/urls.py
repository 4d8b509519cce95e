from django.urls import path

from placewell.messaging import views

app_name = "messaging"

urlpatterns = [
    path("outbox/", views.outbox, name="outbox"),
    path("participant/<int:pk>/opt-out/", views.opt_out, name="opt_out"),
    path("participant/<int:pk>/ending-letter/", views.ending_letter, name="ending_letter"),
    path("<int:pk>/send-again/", views.send_again, name="send_again"),
    path("<int:pk>/letter.pdf", views.letter, name="letter"),
]
