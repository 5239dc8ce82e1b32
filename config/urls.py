from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import URLPattern, URLResolver, include, path

from nashr.core import views as core_views
from nashr.publications.sitemaps import SITEMAPS
from nashr.publications.sitemaps import TEMPLATE as SITEMAP_TEMPLATE

urlpatterns: list[URLPattern | URLResolver] = [
    path("", core_views.language_root, name="root"),
    path(
        "sitemap.xml",
        sitemap,
        {"sitemaps": SITEMAPS, "template_name": SITEMAP_TEMPLATE},
        name="sitemap",
    ),
    path("robots.txt", core_views.robots, name="robots"),
    path("favicon.ico", core_views.favicon, name="favicon"),
    # Uploads, served by the site itself (nashr/media/views.py).
    path("media/", include("nashr.media.urls")),
    # ActivityPub and WebFinger: one address per actor, whatever the interface language.
    path("", include("nashr.federation.urls")),
]

urlpatterns += i18n_patterns(
    # Before the admin, whose catch-all would take these (nashr/accounts/passkeys.py).
    path("admin/passkeys/api/", include("nashr.accounts.passkey_urls")),
    path("admin/", admin.site.urls),
    path("subscribe/", include("nashr.subscribers.urls")),
    path("bulletins/", include("nashr.bulletins.urls")),
    path("search/", include("nashr.search.urls")),
    path("", include("nashr.comments.urls")),
    path("", include("nashr.publications.urls")),
    prefix_default_language=True,
)

if settings.DEBUG:
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
