from django.urls import path

from nashr.subscribers import views

app_name = "subscribers"

urlpatterns = [
    path("", views.subscribe, name="subscribe"),
    path("sent/", views.sent, name="sent"),
    path("confirm/<str:token>/", views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("data/<str:token>/", views.data, name="data"),
    path("data/<str:token>/download/", views.data_download, name="data_download"),
    path("data/<str:token>/delete/", views.data_delete, name="data_delete"),
]
