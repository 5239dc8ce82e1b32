"""Editors reorder, remove and edit items in the admin, preview three formats and publish."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from django.test import Client

from nashr.accounts import roles
from nashr.bulletins import services
from nashr.bulletins.models import Bulletin
from nashr.core.actors import COMMAND


def _inline_post(draft: Bulletin, items: list[dict]) -> dict[str, str]:
    data = {
        "series": str(draft.series_id),
        "period_year": str(draft.period_year),
        "period_month": str(draft.period_month),
        "editorial_title": "Headline",
        "editorial_body": "Body.",
        "correction_note": "",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(len(items)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for index, item in enumerate(items):
        for key, value in item.items():
            data[f"items-{index}-{key}"] = value
    return data


def test_reorder_remove_and_override_items(admin_client: Client, english_series, statement_pair):
    """Saving the form with new orders, a removal and an override changes the preview."""
    for day in (1, 2, 3):
        statement_pair(title=f"پ{day}", date=dt.date(2023, 10, day))
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    first, second, third = draft.items.order_by("order")
    common = {"text": "", "slogan": "", "signatory": "", "date": "", "bulletin": str(draft.pk)}
    items = [
        {
            **common,
            "id": str(first.pk),
            "order": "30",
            "mode": "full",
            "publication": str(first.publication_id),
            "title": "",
        },
        {
            **common,
            "id": str(second.pk),
            "order": "20",
            "mode": "excerpt",
            "publication": str(second.publication_id),
            "title": "",
            "DELETE": "on",
        },
        {
            **common,
            "id": str(third.pk),
            "order": "10",
            "mode": "excerpt",
            "publication": str(third.publication_id),
            "title": "Shorter title",
            "slogan": "Free them all",
        },
    ]
    url = f"/en/admin/bulletins/bulletin/{draft.pk}/change/"
    response = admin_client.post(url, _inline_post(draft, items))
    assert response.status_code == 302, response.content.decode()[:2000]
    html = admin_client.get(f"/en/admin/bulletins/bulletin/{draft.pk}/preview/html/")
    page = html.content.decode()
    assert page.index("Shorter title") < page.index("EN پ1")
    assert "EN پ2" not in page and "“Free them all”" in page


def test_previews_of_every_format(admin_client: Client, english_series, statement_pair):
    """The admin's preview step shows a draft as web page, email HTML and text, .eml and PDF."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    base = f"/en/admin/bulletins/bulletin/{draft.pk}/preview"
    step = f"/en/admin/bulletins/bulletin/{draft.pk}/steps/preview/"
    assert (
        step.encode()
        in admin_client.get(f"/en/admin/bulletins/bulletin/{draft.pk}/change/").content
    )
    change = admin_client.get(step).content
    for fmt in ("html", "email", "text", "pdf"):
        assert f"{base}/{fmt}/".encode() in change
    eml_url = f"/en/admin/delivery/sending/{draft.pk}/preview.eml"
    assert eml_url.encode() in change
    assert "Preview of a draft" in admin_client.get(f"{base}/html/").content.decode()
    assert '<html lang="en" dir="ltr">' in admin_client.get(f"{base}/email/").content.decode()
    assert "■ EN پ" in admin_client.get(f"{base}/text/").content.decode()
    pdf = admin_client.get(f"{base}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    eml = email.message_from_bytes(admin_client.get(eml_url).content, policy=email.policy.default)
    assert eml.get_content_type() == "multipart/alternative"


def test_publish_from_the_admin(admin_client: Client, english_series, statement_pair):
    """The publish button numbers the draft; a published issue cannot be deleted."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    admin_client.post(f"/en/admin/bulletins/bulletin/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("published", 47)
    delete = admin_client.get(f"/en/admin/bulletins/bulletin/{draft.pk}/delete/")
    assert delete.status_code == 403


def test_item_date_typed_in_jalali_in_the_persian_admin(
    admin_client: Client, english_series, statement_pair
):
    """In the Persian admin an item's date is Jalali: ۱۴۰۲/۰۸/۰۹ is 31 October 2023."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    (item,) = draft.items.all()
    fields = {
        "id": str(item.pk),
        "bulletin": str(draft.pk),
        "order": "10",
        "mode": "full",
        "publication": str(item.publication_id),
        "title": "",
        "text": "",
        "slogan": "",
        "signatory": "",
    }
    url = f"/fa/admin/bulletins/bulletin/{draft.pk}/change/"
    response = admin_client.post(url, _inline_post(draft, [{**fields, "date": "۱۴۰۲/۰۸/۰۹"}]))
    assert response.status_code == 302, response.content.decode()[:2000]
    item.refresh_from_db()
    assert item.date == dt.date(2023, 10, 31)
    impossible = admin_client.post(url, _inline_post(draft, [{**fields, "date": "۱۴۰۲/۰۷/۳۱"}]))
    assert impossible.status_code == 200
    assert "۱۴۰۲/۰۷/۳۱" in impossible.content.decode()
    item.refresh_from_db()
    assert item.date == dt.date(2023, 10, 31)


def test_issue_text_fields_carry_the_series_language(admin_client: Client, english_series):
    """An English issue's editorial and item fields are ltr even in the Persian admin."""
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    draft.items.create(order=10, title="Standalone", text="News.")
    page = admin_client.get(f"/fa/admin/bulletins/bulletin/{draft.pk}/change/").content.decode()
    for name in ("editorial_title", "editorial_body", "items-0-title", "items-0-text"):
        tag = page[page.rindex("<", 0, page.index(f'id="id_{name}"')) :]
        tag = tag[: tag.index(">")]
        assert 'lang="en"' in tag and 'dir="ltr"' in tag, tag


def test_admin_refuses_a_period_outside_the_series_calendar(
    admin_client: Client, english_series, persian_series
):
    """A Gregorian year for a Persian series, or month 13, typed on a draft is a field error,
    and the draft keeps its period."""
    cases = [
        (persian_series, "2026", "11", "Jalali"),
        (english_series, "99999", "1", "Gregorian"),
        (english_series, "2026", "13", "month 13 does not exist"),
    ]
    for series, year, month, message in cases:
        draft = services.bulletin_draft(actor=COMMAND, series=series, propose=False)
        data = {
            "series": str(series.pk),
            "period_year": year,
            "period_month": month,
            "editorial_title": "",
            "editorial_body": "",
            "items-TOTAL_FORMS": "0",
            "items-INITIAL_FORMS": "0",
            "items-MIN_NUM_FORMS": "0",
            "items-MAX_NUM_FORMS": "1000",
        }
        url = f"/en/admin/bulletins/bulletin/{draft.pk}/change/"
        response = admin_client.post(url, data)
        assert response.status_code == 200, (year, month)
        assert message in response.content.decode()
        stored = Bulletin.objects.get(pk=draft.pk)
        assert (stored.period_year, stored.period_month) == (draft.period_year, draft.period_month)


def test_actions_say_why_they_did_nothing(admin_client: Client, english_series, statement_pair):
    """Publishing a published issue, or correcting a draft, tells the editor what to do."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    published = services.bulletin_publish(
        actor=COMMAND,
        bulletin=services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11),
    )
    url = "/en/admin/bulletins/bulletin/"
    response = admin_client.post(
        url, {"action": "publish", "_selected_action": [str(published.pk)]}, follow=True
    )
    page = response.content.decode()
    assert "is already published" in page and "corrected edition" in page
    response = admin_client.post(
        url, {"action": "publish_correction", "_selected_action": [str(draft.pk)]}, follow=True
    )
    page = response.content.decode()
    assert f"Draft {draft.pk} is not published yet" in page
    assert "0 issues corrected" not in page
    published.refresh_from_db()
    draft.refresh_from_db()
    assert (published.number, published.edition, draft.status) == (47, 1, "draft")


def test_an_item_refused_by_the_service_shows_on_the_form(
    admin_client: Client, english_series, statement_pair, make_publication
):
    """An item carrying an unpublished publication is a message on the form, not a 500."""
    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    unpublished = make_publication(title="Not yet public", status="draft")
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    (item,) = draft.items.all()
    common = {"mode": "full", "title": "", "text": "", "slogan": "", "signatory": "", "date": ""}
    items = [
        {**common, "id": str(item.pk), "order": "10", "publication": str(item.publication_id)},
        {**common, "id": "", "order": "20", "publication": str(unpublished.pk)},
    ]
    data = _inline_post(draft, items) | {"items-INITIAL_FORMS": "1"}
    response = admin_client.post(f"/en/admin/bulletins/bulletin/{draft.pk}/change/", data)
    assert response.status_code == 200
    assert "item 2 (“Not yet public”) carries a publication that is not published" in (
        response.content.decode()
    )
    draft.refresh_from_db()
    assert list(draft.items.values_list("pk", flat=True)) == [item.pk]
    assert draft.editorial_title == ""


def test_a_series_refusal_shows_on_the_form(admin_client: Client, english_series, make_publication):
    """A first number already given is refused on the series form, not as a server error."""
    make_publication(title="s")
    services.bulletin_publish(
        actor=COMMAND,
        bulletin=services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=11),
    )
    data = {
        "slug": english_series.slug,
        "title": english_series.title,
        "language": "en",
        "label": english_series.label,
        "first_number": "40",
        "colophon": "",
    }
    url = f"/en/admin/bulletins/series/{english_series.pk}/change/"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert "numbers up to 47 have already been given" in response.content.decode()
    english_series.refresh_from_db()
    assert english_series.first_number == 47
    assert english_series.colophon.startswith("The Nashr Bulletin appears monthly.")


def test_publishing_needs_the_publish_permission(
    client: Client, english_series, statement_pair, make_staff
):
    """A staff member who may edit issues but not publish gets a message; an editor publishes."""
    from django.contrib.auth.models import Permission

    statement_pair(title="پ", date=dt.date(2023, 10, 1))
    draft = services.bulletin_draft(actor=COMMAND, series=english_series, year=2023, month=10)
    clerk = make_staff(roles.AUTHOR, username="clerk")
    clerk.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_bulletin", "change_bulletin"])
    )
    client.force_login(clerk)
    response = client.post(f"/en/admin/bulletins/bulletin/{draft.pk}/publish/", follow=True)
    assert f"Clerk may not publish bulletin {draft.pk}" in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == "draft"
    client.force_login(make_staff(roles.EDITOR))
    client.post(f"/en/admin/bulletins/bulletin/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("published", 47)
