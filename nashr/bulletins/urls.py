from django.urls import path

from nashr.bulletins import feeds, views
from nashr.bulletins.models import PDF_NAME

app_name = "bulletins"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:series>/", views.series_detail, name="series"),
    path("<slug:series>/feed/", feeds.SeriesAtom(), name="feed"),
    path("<slug:series>/<int:number>/", views.detail, name="detail"),
    path(f"<slug:series>/<int:number>/{PDF_NAME}", views.pdf, name="pdf"),
]
