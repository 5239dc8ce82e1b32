"""The bulletin's flow in the Persian admin: from the front page, one page per step
(items → preview → publish → send), the item picker offering published texts only, the
month chosen by name, and a send that would reach nobody asked about first."""

from __future__ import annotations

import datetime as dt
import re

from django.test import Client

from nashr.audit.models import AuditEntry
from nashr.bulletins import services
from nashr.bulletins.models import Bulletin
from nashr.core.actors import COMMAND

ADMIN = "/fa/admin"


def _change_data(draft: Bulletin, month: str, items: list[dict[str, str]]) -> dict[str, str]:
    """The change form as the browser posts it, with `items` as the inline's rows."""
    data = {
        "series": str(draft.series_id),
        "period_year": str(draft.period_year),
        "period_month": month,
        "editorial_title": "سرمقاله",
        "editorial_body": "متن سرمقاله.",
        "items-TOTAL_FORMS": str(len(items)),
        "items-INITIAL_FORMS": str(sum(1 for item in items if item.get("id"))),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    common = {"mode": "full", "title": "", "text": "", "slogan": "", "signatory": "", "date": ""}
    for index, item in enumerate(items):
        for key, value in (common | {"bulletin": str(draft.pk)} | item).items():
            data[f"items-{index}-{key}"] = value
    return data


def _current_step(page: str) -> str:
    """The label of the step the page highlights."""
    found = re.search(r'aria-current="step"><span>[^<]*?\. ([^<]+)</span>', page)
    assert found, page[:3000]
    return found.group(1)


def test_front_page_to_send_one_step_a_page(admin_client: Client, persian_series, make_publication):
    """From «خبرنامه‌ی بعدی» on the front page: draft, items (month by name), preview,
    publish, then a send to nobody that warns and is not sent until confirmed."""
    make_publication(title="بیانیه‌ی آزادی", date=dt.date(2023, 10, 20))

    front = admin_client.get(f"{ADMIN}/").content.decode()
    link = re.search(r'<a href="([^"]+)">خبرنامه‌ی بعدی</a>', front)
    assert link, "no link to the next bulletin on the front page"
    draft_page = admin_client.get(link.group(1))
    assert draft_page.status_code == 200
    assert "خبرنامه نشر" in draft_page.content.decode()

    response = admin_client.post(link.group(1), {"series": str(persian_series.pk)})
    draft = Bulletin.objects.get()
    items_url = f"{ADMIN}/bulletins/bulletin/{draft.pk}/change/"
    assert response["Location"] == items_url
    items_page = admin_client.get(items_url).content.decode()
    assert _current_step(items_page) == "موردها"
    # The month is a choice of the Jalali months by name, the draft's own chosen.
    month_select = items_page[items_page.index('name="period_month"') :]
    month_select = month_select[: month_select.index("</select>")]
    assert "فروردین" in month_select and "اسفند" in month_select
    assert re.search(rf'value="{draft.period_month}"[^>]*selected', month_select)
    # A draft offered again from the front page's flow, to continue it.
    assert items_url in admin_client.get(link.group(1)).content.decode()

    (item,) = draft.items.all()
    row = {"id": str(item.pk), "order": "10", "publication": str(item.publication_id)}
    data = _change_data(draft, "9", [row]) | {"_preview": "1"}
    response = admin_client.post(items_url, data)
    preview_url = f"{ADMIN}/bulletins/bulletin/{draft.pk}/steps/preview/"
    assert response.status_code == 302, response.content.decode()[:3000]
    assert response["Location"] == preview_url
    draft.refresh_from_db()
    assert draft.period_month == 9  # آذر, chosen by name

    preview_page = admin_client.get(preview_url).content.decode()
    assert _current_step(preview_page) == "پیش‌نمایش"
    publish_url = f"{ADMIN}/bulletins/bulletin/{draft.pk}/publish/"
    assert re.search(rf'<a href="{publish_url}" class="button default nashr-next">', preview_page)
    assert f"/bulletin/{draft.pk}/preview/html/" in preview_page

    publish_page = admin_client.get(publish_url).content.decode()
    assert _current_step(publish_page) == "انتشار"
    response = admin_client.post(publish_url)
    send_url = f"{ADMIN}/delivery/sending/{draft.pk}/send/"
    assert response["Location"] == send_url
    draft.refresh_from_db()
    assert draft.is_published

    send_page = admin_client.get(send_url).content.decode()
    assert _current_step(send_page) == "ارسال"
    assert "هیچ کس این شماره را دریافت نمی‌کند" in send_page
    assert 'name="confirm_nobody"' in send_page

    refused = admin_client.post(send_url, follow=True)
    assert refused.redirect_chain == [(send_url, 302)]
    assert "چیزی فرستاده نشد" in refused.content.decode()
    assert not AuditEntry.objects.filter(action="bulletin.send").exists()

    sent = admin_client.post(send_url, {"confirm_nobody": "1"})
    assert sent["Location"] == f"{ADMIN}/delivery/sending/{draft.pk}/progress/"
    assert AuditEntry.objects.filter(action="bulletin.send").count() == 1


def test_item_picker_offers_published_publications_only(
    admin_client: Client, persian_series, make_publication
):
    """The search box that picks an item's publication lists no draft or text in review."""
    make_publication(title="منتشرشده")
    make_publication(title="پیش‌نویس", status="draft")
    make_publication(title="در بازبینی", status="review")
    response = admin_client.get(
        f"{ADMIN}/autocomplete/",
        {
            "app_label": "bulletins",
            "model_name": "bulletinitem",
            "field_name": "publication",
            "term": "",
        },
    )
    assert response.status_code == 200
    titles = [result["text"] for result in response.json()["results"]]
    assert any("منتشرشده" in title for title in titles), titles
    assert not any("پیش‌نویس" in title or "در بازبینی" in title for title in titles), titles


def test_a_draft_item_is_refused_in_persian(admin_client: Client, persian_series, make_publication):
    """A draft publication given as an item (by its id) is refused on the Persian form in
    Persian, and the items stay as they were."""
    make_publication(title="منتشرشده")
    unpublished = make_publication(title="هنوز منتشر نشده", status="draft")
    draft = services.bulletin_draft(actor=COMMAND, series=persian_series)
    (item,) = draft.items.all()
    rows = [
        {"id": str(item.pk), "order": "10", "publication": str(item.publication_id)},
        {"id": "", "order": "20", "publication": str(unpublished.pk)},
    ]
    url = f"{ADMIN}/bulletins/bulletin/{draft.pk}/change/"
    response = admin_client.post(url, _change_data(draft, str(draft.period_month), rows))
    assert response.status_code == 200
    page = response.content.decode()
    assert "مورد ۲ («هنوز منتشر نشده») نوشته‌ای را در بر دارد که منتشر نشده است" in page
    assert "carries a publication" not in page
    assert list(draft.items.values_list("pk", flat=True)) == [item.pk]
