"""The administrator's pages in Persian and in the Jalali calendar: roles, permissions,
dates of Django's and third-party admins, the audit trail's actions and months, task
results, the two-factor device lists; and the editors' leftovers (the image list's size
and dates, kinds by one name, an English issue's month, lists, the site's icon)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.utils import timezone, translation
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult
from PIL import Image

from nashr.audit.models import AuditEntry
from nashr.audit.services import audit_record
from nashr.core import calendars
from nashr.core.actors import COMMAND

pytestmark = pytest.mark.django_db
ADMIN = "/fa/admin"


def test_roles_and_permissions_are_named_in_persian(admin_client: Client, make_staff) -> None:
    """The roles' list, an account's role choices and permission choices, and a role's
    page name the roles and permissions in Persian."""
    editor = make_staff("editor", username="sara")
    roles = admin_client.get(f"{ADMIN}/auth/group/").content.decode()
    for persian in ("ویراستار", "مدیر"):
        assert persian in roles
    assert ">editor<" not in roles and ">administrator<" not in roles
    account = admin_client.get(f"{ADMIN}/auth/user/{editor.pk}/change/").content.decode()
    assert re.search(r"<option [^>]*>ویراستار</option>", account)
    assert "Can add" not in account and "Otp_" not in account
    assert "می‌تواند" in account
    # The dates Django lets the administrator type are shown, in the Jalali calendar.
    assert 'name="date_joined_0"' not in account
    assert calendars.format_date(editor.date_joined, "fa") in account
    role = Group.objects.get(name="editor")
    page = admin_client.get(f"{ADMIN}/auth/group/{role.pk}/change/").content.decode()
    assert "<title>ویراستار |" in page


def test_the_staff_list_names_each_accounts_roles_as_a_persian_list(
    admin_client: Client, make_staff
) -> None:
    """An account holding two roles lists them joined as Persian joins a list."""
    user = make_staff("editor", username="sara")
    user.groups.add(Group.objects.get(name="translator"))
    page = admin_client.get(f"{ADMIN}/auth/user/").content.decode()
    assert re.search(r"(ویراستار|مترجم)\u200f? و (ویراستار|مترجم)", page)


def test_the_audit_trail_names_actions_and_filters_by_jalali_month(
    admin_client: Client, admin_user
) -> None:
    """Action codes read as Persian labels (the code beside them), and the month filter
    offers Jalali months instead of Django's Gregorian drill-down."""
    audit_record(actor=admin_user, action="login.failure", target=admin_user)
    audit_record(actor=COMMAND, action="publication.create")
    page = admin_client.get(f"{ADMIN}/audit/auditentry/").content.decode()
    rows = page[page.index('id="result_list"') :]
    assert "ورود: ناموفق" in rows and "نوشته: ساخته شد" in rows
    assert '<code dir="ltr" class="quiet">login.failure</code>' in page
    year, month = calendars.month_of(timezone.localdate(), "fa")
    assert calendars.format_month(year, month, "fa") in page
    assert "date_hierarchy" not in page and "xfull" not in page
    # The filter keeps the month's entries (and only those).
    filtered = admin_client.get(f"{ADMIN}/audit/auditentry/", {"month": f"{year}-{month}"})
    assert 'class="field-what">ورود: ناموفق' in filtered.content.decode()
    empty = admin_client.get(f"{ADMIN}/audit/auditentry/", {"month": f"{year - 1}-{month}"})
    assert 'class="field-what">' not in empty.content.decode()
    entry = AuditEntry.objects.get(action="login.failure")
    view = admin_client.get(f"{ADMIN}/audit/auditentry/{entry.pk}/change/").content.decode()
    assert calendars.format_date(entry.at, "fa") in view
    assert f"{entry.at:%Y-%m-%d}" not in view


def test_task_results_show_jalali_times_and_ids_as_written(admin_client: Client) -> None:
    """A background task's result: Persian headings, a Jalali time, its id's Latin digits."""
    result = DBTaskResult.objects.create(
        task_path="nashr.core.schedule.run_due",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        enqueued_at=timezone.now(),
    )
    page = admin_client.get(f"{ADMIN}/django_tasks_database/dbtaskresult/").content.decode()
    assert f'<code dir="ltr">{result.id}</code>' in page
    assert "زمان صف‌شدن" in page and "Enqueued" not in page
    assert calendars.format_date(result.enqueued_at, "fa") in page
    detail = admin_client.get(
        f"{ADMIN}/django_tasks_database/dbtaskresult/{result.id}/change/"
    ).content.decode()
    assert str(result.id) in detail


def test_device_lists_are_persian_and_jalali(admin_client: Client, make_staff) -> None:
    """The authenticator apps' list: Persian columns, the enrolled app's name in Persian,
    the time it was added in the Jalali calendar."""
    user = make_staff("editor", username="sara")
    device = TOTPDevice.objects.create(
        user=user, name="authenticator app", confirmed=True, created_at=timezone.now()
    )
    page = admin_client.get(f"{ADMIN}/otp_totp/totpdevice/").content.decode()
    assert "برنامه‌ی تأیید هویت" in page and "Created at" not in page
    assert calendars.format_date(device.created_at, "fa") in page
    assert "TOTP device" not in page
    statics = admin_client.get(f"{ADMIN}/otp_static/staticdevice/").content.decode()
    assert "static device" not in statics and "کدهای پشتیبان" in statics


def test_djangos_untranslated_strings_read_persian(admin_client: Client) -> None:
    """The hidden "Model name" header and the breadcrumbs' name are Persian, the search
    image's text too, and the admin's page names the site's icon."""
    index = admin_client.get(f"{ADMIN}/").content.decode()
    assert "Model name" not in index and "نام بخش" in index
    assert 'aria-label="Breadcrumbs"' not in index
    assert re.search(
        r'<link rel="icon" type="image/svg\+xml" href="/static/nashr/favicon\.svg"', index
    )
    assert re.search(
        r'<script src="/static/nashr/admin/digits\.js" data-digits="۰۱۲۳۴۵۶۷۸۹"', index
    )
    users = admin_client.get(f"{ADMIN}/auth/user/").content.decode()
    assert 'alt="Search"' not in users and 'alt="جست‌وجو"' in users
    assert "Select this object for an action" not in users


def test_the_count_of_all_results_keeps_its_parentheses(admin_client: Client, make_staff) -> None:
    """A search's "(۴ in all)" link is isolated, so its parentheses stay around it."""
    make_staff("editor", username="sara")
    page = admin_client.get(f"{ADMIN}/auth/user/", {"q": "admin"}).content.decode()
    assert re.search(r"<bdi>\(<a href=\"\?\">[^<]+</a>\)</bdi>", page)


def test_english_admin_is_left_gregorian(client: Client, admin_user) -> None:
    """The English admin writes the same audit entry's date in the Gregorian calendar."""
    client.force_login(admin_user)
    audit_record(actor=admin_user, action="login.success", target=admin_user)
    page = client.get("/en/admin/audit/auditentry/").content.decode()
    assert "Login: succeeded" in page
    assert calendars.format_date(timezone.localdate(), "en") in page


def test_the_image_list_is_persian(admin_client: Client, admin_user) -> None:
    """The image list's column of upload times is Persian and Jalali; a size reads
    «۲۴۰۰×۱۶۰۰ پیکسل، ۳۳۹ کیلوبایت» with a Persian comma."""
    from django.contrib import admin

    from nashr.media.models import Media
    from nashr.media.services import media_upload

    image = io.BytesIO()
    Image.new("RGB", (240, 160), "teal").save(image, "PNG")
    media = media_upload(
        actor=admin_user,
        name="a.png",
        data=image.getvalue(),
        title="عکس",
        language="fa",
        alt_text="یک رنگ",
    )
    page = admin_client.get(f"{ADMIN}/media/media/").content.decode()
    assert "created at" not in page.lower()
    assert "زمان بارگذاری" in page
    assert calendars.format_date(media.created_at, "fa") in page
    media = Media(size=339_400, width=2400, height=1600)
    with translation.override("fa"):
        shown = admin.site._registry[Media].dimensions(media)  # type: ignore[attr-defined]
    assert calendars.localize_digits(shown, "fa") == "۲۴۰۰×۱۶۰۰ پیکسل، ۳۳۹ کیلوبایت"


def test_an_english_issues_month_is_written_as_the_series_writes_it(
    admin_client: Client, published_bulletin
) -> None:
    """«May 2024», not «May ۲۰۲۴»: the English series' month is its content, marked English."""
    page = admin_client.get(f"{ADMIN}/bulletins/bulletin/").content.decode()
    assert '<span lang="en" dir="ltr">November 2023</span>' in page
    issue = f"{ADMIN}/bulletins/bulletin/{published_bulletin.pk}/change/"
    page = admin_client.get(issue).content.decode()
    assert '<span lang="en" dir="ltr">November 2023</span>' in page
    assert "۲۰۲۳" not in page


def test_kinds_are_named_in_the_admins_language(admin_client: Client, kinds) -> None:
    """A kind's page names it once, in the admin's language: «بیانیه», not «بیانیه / Statement»."""
    statement = kinds["statement"]
    page = admin_client.get(f"{ADMIN}/publications/kind/{statement.pk}/change/").content.decode()
    assert "<title>بیانیه |" in page
    assert "بیانیه / Statement" not in page


def test_a_staff_members_join_date_is_jalali(admin_client: Client) -> None:
    """Django's own "date joined" in the Jalali calendar, in Persian digits."""
    user = get_user_model().objects.create_user(username="maryam", is_staff=True)
    user.date_joined = dt.datetime(2026, 12, 6, 19, 41, tzinfo=dt.UTC)
    user.save()
    page = admin_client.get(f"{ADMIN}/auth/user/{user.pk}/change/").content.decode()
    assert "۱۵ آذر ۱۴۰۵ ۲۳:۱۱" in page
    assert "2026-12-06" not in page


def test_an_editor_reads_a_kinds_names_on_its_view_only_page(make_staff, kinds) -> None:
    """An editor (who may not change kinds) sees each language's name in its language,
    not "Names fa: None"."""
    client = Client()
    client.force_login(make_staff("editor"))
    statement = kinds["statement"]
    page = client.get(f"{ADMIN}/publications/kind/{statement.pk}/change/").content.decode()
    assert '<span lang="en" dir="ltr">Statement</span>' in page
    assert "Names fa" not in page and "None" not in page
