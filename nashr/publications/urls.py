from django.urls import path

from nashr.publications import feeds, views

app_name = "publications"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<int:pk>/<str:slug>/", views.detail, name="detail"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("feeds/rss/", feeds.LatestRss(), name="feed_rss"),
    path("feeds/atom/", feeds.LatestAtom(), name="feed_atom"),
    path("feeds/<slug:kind>/rss/", feeds.KindRss(), name="kind_feed_rss"),
    path("feeds/<slug:kind>/atom/", feeds.KindAtom(), name="kind_feed_atom"),
    path("<slug:kind>/", views.kind_list, name="kind"),
]
