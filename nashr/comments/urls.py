from django.urls import path

from nashr.comments import views

app_name = "comments"

# Included before the publications' addresses, whose p/<id>/<slug>/ would take these.
urlpatterns = [
    path("p/<int:pk>/comments/", views.post, name="post"),
    path("p/<int:pk>/comments/challenge/", views.challenge, name="challenge"),
    path("comments/confirm/<str:token>/", views.confirm, name="confirm"),
    path("comments/mine/<str:token>/", views.mine, name="mine"),
]
