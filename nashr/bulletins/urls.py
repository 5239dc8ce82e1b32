from django.urls import path

from nashr.bulletins import feeds, views

app_name = "bulletins"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:series>/", views.series_detail, name="series"),
    path("<slug:series>/feed/", feeds.SeriesAtom(), name="feed"),
    path("<slug:series>/<int:number>/", views.detail, name="detail"),
]
