from django.urls import path

from nashr.publications import feeds, views

app_name = "publications"

urlpatterns = [
    path("", views.home, name="home"),
    path("p/<int:pk>/<str:slug>/", views.detail, name="detail"),
    # The id alone is enough: links whose long Persian slug got cut off still arrive.
    path("p/<int:pk>/", views.detail, {"slug": ""}, name="detail_by_id"),
    path("archive/", views.archive, name="archive"),
    path("archive/<int:year>/<int:month>/", views.archive_month, name="archive_month"),
    path("feeds/rss/", feeds.LatestRss(), name="feed_rss"),
    path("feeds/atom/", feeds.LatestAtom(), name="feed_atom"),
    path("feeds/<slug:kind>/rss/", feeds.KindRss(), name="kind_feed_rss"),
    path("feeds/<slug:kind>/atom/", feeds.KindAtom(), name="kind_feed_atom"),
    path("<slug:kind>/", views.kind_list, name="kind"),
]
