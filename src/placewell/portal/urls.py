from django.urls import path

from placewell.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign_in"),
    path("sign-in/code/", views.code, name="code"),
    path("link/<str:secret>/", views.link, name="link"),
    path("sign-out/", views.sign_out, name="sign_out"),
    path("call-me-back/", views.call_back, name="call_back"),
    path("meetings/<int:pk>/rearrange/", views.rearrange, name="rearrange"),
    path("staff/participants/<int:pk>/send-link/", views.send_link, name="send_link"),
    path("staff/requests/<int:pk>/done/", views.request_done, name="request_done"),
]
