"""The public pages that the HTML checker and axe-core check, and content to show on them.

One place for every app: to have a new public page checked, add a builder that creates
what the page shows (a bulletin, a subscription page...) to CONTENT_BUILDERS and the
page itself to PUBLIC_PAGES. Builders run in order, each adding named objects to the
same SiteContent, and a page's path is a function of that content.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import override

from nashr.core.actors import COMMAND
from nashr.publications import services
from nashr.publications.models import Kind, Publication, Signatory, Status


@dataclass
class SiteContent:
    """Objects made by the builders, by name: content["statement_fa"]."""

    objects: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.objects[name]

    def __setitem__(self, name: str, value: Any) -> None:
        self.objects[name] = value


ContentBuilder = Callable[[SiteContent], None]


def ensure_default_kinds() -> dict[str, Kind]:
    """The kinds the data migration creates; a transactional test's flush removes them."""
    migration = import_module("nashr.publications.migrations.0002_default_kinds")
    for slug, name_fa, name_en, plural_fa, plural_en, order in migration.KINDS:
        Kind.objects.get_or_create(
            slug=slug,
            defaults={
                "names": {"fa": name_fa, "en": name_en},
                "plurals": {"fa": plural_fa, "en": plural_en},
                "order": order,
            },
        )
    return {kind.slug: kind for kind in Kind.objects.all()}


STATEMENT_FA_BODY = """\
شورای هماهنگی از همه‌ی نهادهای مدنی می‌خواهد که برای آزادی زندانیان سیاسی صدای خود را
بلند کنند. بازداشت‌های **خودسرانه** در ماه‌های اخیر افزایش یافته است.

## خواسته‌های ما

1. آزادی فوری و بی‌قیدوشرط همه‌ی زندانیان سیاسی؛
2. دسترسی خانواده‌ها و وکلا به بازداشت‌شدگان؛
3. پایان دادن به احکام اعدام.

> «آزادی بیان حق همگان است.»

گزارش کامل در [صفحه‌ی گزارش‌ها](/fa/report/) آمده است. متن انگلیسی این بیانیه
(English version) نیز منتشر شده است.
"""

STATEMENT_EN_BODY = """\
The Coordinating Council calls on every civic organization to speak out for the release
of political prisoners. **Arbitrary** arrests have risen in recent months.

## Our demands

1. The immediate and unconditional release of all political prisoners;
2. Access for families and lawyers to those detained;
3. An end to death sentences.

> “Freedom of expression belongs to everyone.”

The full report is on [the reports page](/en/report/). The Persian original
(متن فارسی) was published first.
"""


def publications_content(content: SiteContent) -> None:
    """Statements, an article, a report and news in both languages, over three months.

    A translated statement, an untranslated Persian article (shown on /en/ wrapped
    rtl), an English-only news item (shown on /fa/ wrapped ltr), an outdated
    translation, and a draft that no page may show.
    """
    kinds = ensure_default_kinds()
    signatory, _created = Signatory.objects.get_or_create(
        slug="coordinating-council",
        defaults={"names": {"fa": "شورای هماهنگی", "en": "Coordinating Council"}},
    )
    published_at = timezone.now() - dt.timedelta(days=1)
    common: dict[str, Any] = {
        "signatory": signatory,
        "status": Status.PUBLISHED,
        "published_at": published_at,
        "actor": COMMAND,
    }
    statement_fa = services.publication_create(
        kind=kinds["statement"],
        language="fa",
        title="بیانیه درباره‌ی آزادی زندانیان سیاسی",
        summary="شورای هماهنگی خواستار آزادی فوری همه‌ی زندانیان سیاسی شد.",
        body=STATEMENT_FA_BODY,
        date=dt.date(2024, 2, 10),
        **common,
    )
    statement_en = services.translation_create(
        actor=COMMAND,
        original=statement_fa,
        language="en",
        title="Statement on the release of political prisoners",
        summary="The Coordinating Council demands the immediate release of all "
        "political prisoners.",
        body=STATEMENT_EN_BODY,
    )
    services.publication_publish(actor=COMMAND, publication=statement_en, published_at=published_at)
    article_fa = services.publication_create(
        kind=kinds["article"],
        language="fa",
        title="نگاهی به تاریخ مطبوعات آزاد در ایران",
        body="مطبوعات آزاد در ایران تاریخی پرفرازونشیب دارد.\n\nاین مقاله ترجمه نشده است.",
        date=dt.date(2024, 1, 15),
        **common,
    )
    report_fa = services.publication_create(
        kind=kinds["report"],
        language="fa",
        title="گزارش سالانه‌ی نقض حقوق بشر",
        body="در این گزارش موارد نقض حقوق بشر در سال گذشته آمده است.",
        date=dt.date(2024, 3, 5),
        **common,
    )
    report_en = services.translation_create(
        actor=COMMAND,
        original=report_fa,
        language="en",
        title="Annual report on human rights violations",
        body="This report lists the human rights violations of the past year.",
    )
    services.publication_publish(actor=COMMAND, publication=report_en, published_at=published_at)
    # The original changes after its translation: the English report is now outdated.
    services.publication_update(
        actor=COMMAND, publication=report_fa, body=report_fa.body + "\n\nبخش تازه‌ای افزوده شد."
    )
    news_en = services.publication_create(
        kind=kinds["news"],
        language="en",
        title="Council members meet in Berlin",
        body="Members of the council met in Berlin to plan the year ahead.",
        date=dt.date(2024, 3, 1),
        **common,
    )
    draft_fa = services.publication_create(
        actor=COMMAND,
        kind=kinds["statement"],
        language="fa",
        title="پیش‌نویس بیانیه‌ای که منتشر نشده است",
        date=dt.date(2024, 3, 6),
        signatory=signatory,
    )
    content.objects.update(
        kinds=kinds,
        signatory=signatory,
        statement_fa=statement_fa,
        statement_en=statement_en,
        article_fa=article_fa,
        report_fa=report_fa,
        report_en=report_en,
        news_en=news_en,
        draft_fa=draft_fa,
    )


def subscribers_content(content: SiteContent) -> None:
    """A list per language and a reader on both, with the signed links mail gives them."""
    from nashr.bulletins.services import series_create_or_update
    from nashr.subscribers import tokens
    from nashr.subscribers.models import Subscriber, Subscription

    lists = {
        "fa": series_create_or_update(
            actor=COMMAND, slug="khabarnameh", title="خبرنامه", language="fa"
        )[0],
        "en": series_create_or_update(
            actor=COMMAND, slug="newsletter", title="Newsletter", language="en"
        )[0],
    }
    now = timezone.now()
    reader = Subscriber.objects.create(
        email="reader@example.org", status="confirmed", consented_at=now, confirmed_at=now
    )
    for series in lists.values():
        Subscription.objects.create(
            subscriber=reader,
            series=series,
            status="confirmed",
            consented_at=now,
            confirmed_at=now,
        )
    for language, series in lists.items():
        links = {
            "confirm": tokens.confirm_url(
                subscriber=reader, series_ids=(series.pk,), language=language
            ),
            "unsubscribe": tokens.unsubscribe_url(
                subscriber_id=reader.pk, email=reader.email, series_id=series.pk, language=language
            ),
            "data": tokens.data_url(subscriber_id=reader.pk, email=reader.email, language=language),
        }
        for name, url in links.items():
            content[f"{name}_{language}"] = url.split("://", 1)[1].partition("/")[2]


def comments_content(content: SiteContent) -> None:
    """Persian and English comments with replies (one by staff) under both statements."""
    from django.contrib.auth import get_user_model

    from nashr.comments import services as comments
    from nashr.comments import tokens as comment_tokens
    from nashr.comments.models import Comment
    from nashr.comments.privacy import email_hash

    staff, _created = get_user_model().objects.get_or_create(
        username="site-editor", defaults={"is_staff": True, "is_superuser": True}
    )
    when = timezone.now() - dt.timedelta(hours=5)
    for key in ("statement_fa", "statement_en"):
        publication = content[key]
        persian, _new = comments.comment_import(
            actor=COMMAND,
            publication=publication,
            source="pages",
            legacy_id=f"{key}-1",
            name="مریم",
            body="با این بیانیه موافقم.\n\nمتن کامل: https://example.org/matn",
            created_at=when,
            status="approved",
        )
        english, _new = comments.comment_import(
            actor=COMMAND,
            publication=publication,
            source="pages",
            legacy_id=f"{key}-2",
            name="John",
            body="Thank you for publishing this.",
            created_at=when,
            status="approved",
        )
        comments.comment_import(
            actor=COMMAND,
            publication=publication,
            source="pages",
            legacy_id=f"{key}-3",
            name="Sara",
            body="I agree with Maryam.",
            created_at=when,
            status="approved",
            parent=persian,
        )
        comments.comment_reply_staff(actor=staff, parent=english, body="Thank you for reading.")
    mine = Comment.objects.create(
        publication=content["statement_fa"],
        name="Reader",
        body="My own comment.",
        email="commenter@example.org",
        email_hash=email_hash("commenter@example.org"),
        created_at=when,
    )
    content["comment_fa"] = mine
    content["comments_mine"] = comment_tokens.data_url(email=mine.email, language="en")


CONTENT_BUILDERS: list[ContentBuilder] = [
    publications_content,
    subscribers_content,
    comments_content,
]


def build_site_content() -> SiteContent:
    """Run every builder, in order, into one SiteContent."""
    content = SiteContent()
    for builder in CONTENT_BUILDERS:
        builder(content)
    return content


def url_in(language: str, name: str, **kwargs: Any) -> str:
    """A named URL in an interface language: url_in("en", "publications:archive")."""
    with override(language):
        return reverse(name, kwargs=kwargs)


def publication_in(language: str, publication: Publication) -> str:
    """A publication's page read from an interface language (maybe not its own)."""
    return url_in(language, "publications:detail", pk=publication.pk, slug=publication.slug or "-")


@dataclass(frozen=True)
class PublicPage:
    """A page readers reach; `path` gives its address from the built content."""

    name: str
    path: Callable[[SiteContent], str]
    status: int = 200


PUBLIC_PAGES: list[PublicPage] = [
    PublicPage("home-fa", lambda c: url_in("fa", "publications:home")),
    PublicPage("home-en", lambda c: url_in("en", "publications:home")),
    PublicPage("kind-fa", lambda c: url_in("fa", "publications:kind", kind="statement")),
    PublicPage("kind-en", lambda c: url_in("en", "publications:kind", kind="statement")),
    PublicPage("kind-news-fa", lambda c: url_in("fa", "publications:kind", kind="news")),
    PublicPage("publication-fa", lambda c: c["statement_fa"].get_absolute_url()),
    PublicPage("publication-en", lambda c: c["statement_en"].get_absolute_url()),
    PublicPage("untranslated-fa-from-en", lambda c: publication_in("en", c["article_fa"])),
    PublicPage("english-only-from-fa", lambda c: publication_in("fa", c["news_en"])),
    PublicPage("outdated-translation-en", lambda c: c["report_en"].get_absolute_url()),
    PublicPage("archive-fa", lambda c: url_in("fa", "publications:archive")),
    PublicPage("archive-en", lambda c: url_in("en", "publications:archive")),
    # Bahman 1402 and February 2024 hold the statement (10 February 2024).
    PublicPage(
        "archive-month-fa",
        lambda c: url_in("fa", "publications:archive_month", year=1402, month=11),
    ),
    PublicPage(
        "archive-month-en",
        lambda c: url_in("en", "publications:archive_month", year=2024, month=2),
    ),
    # Search: results with highlighted snippets in both directions, an empty form, and a
    # form with a field error (an impossible Jalali date).
    PublicPage("search-empty-fa", lambda c: url_in("fa", "search:search")),
    PublicPage("search-fa", lambda c: url_in("fa", "search:search") + "?q=زندانیان"),
    PublicPage("search-en", lambda c: url_in("en", "search:search") + "?q=prisoners"),
    PublicPage(
        "search-bad-date-fa",
        lambda c: (
            url_in("fa", "search:search")
            + "?q=%D8%A8%DB%8C%D8%A7%D9%86%DB%8C%D9%87&date_from=1402-13-40"
        ),
    ),
    PublicPage("subscribe-fa", lambda c: url_in("fa", "subscribers:subscribe")),
    PublicPage("subscribe-en", lambda c: url_in("en", "subscribers:subscribe")),
    PublicPage("subscribe-sent-fa", lambda c: url_in("fa", "subscribers:sent")),
    PublicPage("confirm-fa", lambda c: "/" + c["confirm_fa"]),
    PublicPage("confirm-en", lambda c: "/" + c["confirm_en"]),
    PublicPage("unsubscribe-fa", lambda c: "/" + c["unsubscribe_fa"]),
    PublicPage("unsubscribe-en", lambda c: "/" + c["unsubscribe_en"]),
    PublicPage("subscriber-data-fa", lambda c: "/" + c["data_fa"]),
    PublicPage("subscriber-data-en", lambda c: "/" + c["data_en"]),
    PublicPage(
        "comment-reply-form-en",
        lambda c: (
            url_in("en", "comments:post", pk=c["statement_en"].pk)
            + f"?reply={c['statement_en'].comments.filter(parent=None).first().pk}"
        ),
    ),
    PublicPage("comments-mine-en", lambda c: "/" + c["comments_mine"].split("/", 3)[3]),
    # Where a post redirects: a held comment (a link mailed), a shown one.
    PublicPage(
        "comment-held-fa",
        lambda c: url_in("fa", "comments:post", pk=c["statement_fa"].pk) + "?held=1&mailed=1",
    ),
    PublicPage(
        "comment-shown-en",
        lambda c: (
            url_in("en", "comments:post", pk=c["statement_en"].pk)
            + f"?shown={c['statement_en'].comments.filter(parent=None).first().pk}"
        ),
    ),
    PublicPage("bad-link-en", lambda c: "/en/subscribe/unsubscribe/1.1:forged/", status=404),
    PublicPage("not-found-fa", lambda c: "/fa/no-such-page/here/", status=404),
    PublicPage("not-found-en", lambda c: "/en/p/999999/missing/", status=404),
]


# Every language the site is configured with beyond the first two has its pages checked
# too (.ci/run runs the checks again with NASHR_LANGUAGES=fa,en,ckb,de): a publication
# in it, translated from the Persian statement, and one written in it first.
FURTHER_TEXTS: dict[str, tuple[str, str, str, str]] = {
    # code: (translation's title, its body, original's title, its body)
    "ckb": (
        "ڕاگەیەندراو سەبارەت بە ئازادکردنی زیندانییە سیاسییەکان",
        "ئەنجومەنی هەماهەنگی داوای ئازادکردنی دەستبەجێی هەموو زیندانییە سیاسییەکان "
        "دەکات. ھەر ڕۆژێک لە زینداندا ڕۆژێکی زیاترە.",
        "هەواڵی مانگرتنی کرێکارانی هەولێر",
        "کرێکارانی کارگەی چیمەنتۆی هەولێر بۆ سێیەمین ڕۆژ مانیان گرتووە و داوای "
        "مووچەی دواکەوتوویان دەکەن. کۆمەڵگا پشتگیرییان دەکات.",
    ),
    "de": (
        "Erklärung zur Freilassung der politischen Gefangenen",
        "Der Koordinierungsrat fordert die sofortige Freilassung aller politischen "
        "Gefangenen. Jeder Tag im Gefängnis ist ein Tag zu viel.",
        "Streik der Zementarbeiter in Erbil",
        "Die Arbeiter des Zementwerks in Erbil streiken den dritten Tag und fordern "
        "ihre ausstehenden Löhne. Gewerkschaften in Deutschland erklären sich solidarisch.",
    ),
}


def further_languages() -> list[str]:
    """The configured languages beyond the first two that tests have texts in."""
    from nashr.core.languages import codes

    return [code for code in codes()[2:] if code in FURTHER_TEXTS]


def further_languages_content(content: SiteContent) -> None:
    """For each further language: the statement translated into it, and an original in it."""
    for code in further_languages():
        title, body, original_title, original_body = FURTHER_TEXTS[code]
        translation = services.translation_create(
            actor=COMMAND, original=content["statement_fa"], language=code, title=title, body=body
        )
        services.publication_publish(actor=COMMAND, publication=translation)
        content[f"statement_{code}"] = translation
        content[f"news_{code}"] = services.publication_create(
            actor=COMMAND,
            kind=Kind.objects.get(slug="news"),
            language=code,
            title=original_title,
            body=original_body,
            date=dt.date(2024, 2, 12),
            status=Status.PUBLISHED,
            published_at=timezone.now() - dt.timedelta(days=1),
        )


def further_language_pages(code: str) -> list[PublicPage]:
    """The pages of a further language: its home, a kind, its publications, a Persian one
    read from it, the archive, a search in it and the subscription form."""

    def home(c: SiteContent) -> str:
        return url_in(code, "publications:home")

    def kind(c: SiteContent) -> str:
        return url_in(code, "publications:kind", kind="statement")

    def translation(c: SiteContent) -> str:
        return str(c[f"statement_{code}"].get_absolute_url())

    def original(c: SiteContent) -> str:
        return str(c[f"news_{code}"].get_absolute_url())

    def persian(c: SiteContent) -> str:
        return publication_in(code, c["article_fa"])

    def archive(c: SiteContent) -> str:
        return url_in(code, "publications:archive")

    def search(c: SiteContent) -> str:
        return url_in(code, "search:search") + "?q=" + FURTHER_TEXTS[code][2].split()[0]

    def subscribe(c: SiteContent) -> str:
        return url_in(code, "subscribers:subscribe")

    return [
        PublicPage(f"home-{code}", home),
        PublicPage(f"kind-{code}", kind),
        PublicPage(f"publication-{code}", translation),
        PublicPage(f"original-{code}", original),
        PublicPage(f"persian-from-{code}", persian),
        PublicPage(f"archive-{code}", archive),
        PublicPage(f"search-{code}", search),
        PublicPage(f"subscribe-{code}", subscribe),
    ]


CONTENT_BUILDERS.append(further_languages_content)
for _code in further_languages():
    PUBLIC_PAGES.extend(further_language_pages(_code))
