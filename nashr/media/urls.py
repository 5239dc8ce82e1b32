from django.urls import path

from nashr.media import views

app_name = "media"
urlpatterns = [
    path("<path:path>", views.media_file, name="file"),
]
