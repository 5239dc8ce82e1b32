"""Names of kinds and signatories: one per configured language, no column per language."""

from __future__ import annotations

import html
import re

import pytest
from django.conf.locale import LANG_INFO
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext_lazy

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ValidationError
from nashr.publications import services
from nashr.publications.models import Kind, Signatory

THREE_LANGUAGES = [("fa", "Persian"), ("en", "English"), ("ckb", "Central Kurdish")]
KIND_ADD = "/en/admin/publications/kind/add/"


def _page(response) -> str:
    return html.unescape(response.content.decode())


@override_settings(LANGUAGES=THREE_LANGUAGES)
def test_kind_form_has_an_input_per_configured_language(client, make_staff, kinds) -> None:
    """With Sorani configured, the kind form offers its name, written right to left."""
    client.force_login(make_staff("administrator"))
    page = _page(client.get(KIND_ADD))
    sorani = re.search(r'<input[^>]*name="names_ckb"[^>]*>', page)
    english = re.search(r'<input[^>]*name="names_en"[^>]*>', page)
    assert sorani is not None and english is not None
    assert 'lang="ckb"' in sorani.group() and 'dir="rtl"' in sorani.group()
    assert 'lang="en"' in english.group() and 'dir="ltr"' in english.group()
    assert "name in Central Kurdish" in page and "plural in Central Kurdish" in page


def test_persian_admin_names_the_languages_in_persian(client, make_staff, kinds) -> None:
    """The inputs' labels name each language in the admin's language."""
    client.force_login(make_staff("administrator"))
    page = _page(client.get("/fa/admin/publications/signatory/add/"))
    assert "نام به فارسی" in page and "نام به انگلیسی" in page


@override_settings(LANGUAGES=THREE_LANGUAGES)
def test_kind_saved_with_a_sorani_name(client, make_staff, kinds) -> None:
    """A Sorani name typed in the admin is stored and is the kind's name on Sorani pages."""
    client.force_login(make_staff("administrator"))
    response = client.post(
        KIND_ADD,
        {
            "slug": "appeal",
            "names_fa": "فراخوان",
            "names_en": "Appeal",
            "names_ckb": "بانگەواز",
            "plurals_ckb": "بانگەوازەکان",
            "order": 5,
        },
    )
    assert response.status_code == 302
    kind = Kind.objects.get(slug="appeal")
    assert kind.names == {"fa": "فراخوان", "en": "Appeal", "ckb": "بانگەواز"}
    assert kind.name("ckb") == "بانگەواز" and kind.plural("ckb") == "بانگەوازەکان"
    assert kind.plural("en") == "Appeal"
    # Named in the language in use, as a form's choice or an admin page's title shows it.
    with translation.override("en"):
        assert str(kind) == "Appeal"
    with translation.override("fa"):
        assert str(kind) == "فراخوان"


@override_settings(LANGUAGES=THREE_LANGUAGES)
def test_kind_without_a_sorani_name_falls_back_to_the_default(kinds) -> None:
    """A kind named before Sorani was added shows its Persian name on Sorani pages."""
    statement = kinds["statement"]
    assert statement.name("ckb") == "بیانیه" and statement.plural("ckb") == "بیانیه‌ها"
    with translation.override("ckb"):
        assert str(statement) == "بیانیه"


@override_settings(LANGUAGES=[("en", "English"), ("fa", "Persian")])
def test_names_fall_back_to_the_configured_default(kinds) -> None:
    """The fallback is the configured default language, whichever that is."""
    kind = services.kind_create(actor=COMMAND, slug="appeal", names={"en": "Appeal"})
    assert kind.name("fa") == "Appeal"
    assert kinds["statement"].name("de") == "Statement"


def test_kind_form_requires_the_default_languages_name(client, make_staff, kinds) -> None:
    """A kind without a name in the default language is refused on its input."""
    client.force_login(make_staff("administrator"))
    response = client.post(KIND_ADD, {"slug": "appeal", "names_en": "Appeal", "order": 0})
    assert response.status_code == 200
    assert re.search(
        r'errorlist[^>]*>\s*<li>This field is required.*?name="names_fa"', _page(response), re.S
    )
    assert not Kind.objects.filter(slug="appeal").exists()


def test_services_refuse_an_unknown_language_and_a_missing_default(kinds) -> None:
    """A caller of the service gets the same rules as the admin."""
    with pytest.raises(ValidationError, match="unknown language"):
        services.signatory_create(actor=COMMAND, slug="x", names={"fa": "شورا", "xx": "?"})
    with pytest.raises(ValidationError, match="must not be empty"):
        services.kind_update(actor=COMMAND, kind=kinds["news"], names={"en": "News", "fa": " "})
    kinds["news"].refresh_from_db()
    assert kinds["news"].names == {"fa": "خبر", "en": "News"}


@override_settings(LANGUAGES=[("fa", "Persian"), ("en", "English")])
def test_update_keeps_names_of_a_language_no_longer_configured(client, make_staff) -> None:
    """Names in a language removed from the configuration survive an edit in the admin."""
    signatory = Signatory.objects.create(
        slug="council", names={"fa": "شورا", "en": "Council", "ckb": "ئەنجومەن"}
    )
    client.force_login(make_staff("editor"))
    response = client.post(
        f"/en/admin/publications/signatory/{signatory.pk}/change/",
        {"slug": "council", "names_fa": "شورا", "names_en": "The Council"},
    )
    assert response.status_code == 302
    signatory.refresh_from_db()
    assert signatory.names == {"fa": "شورا", "en": "The Council", "ckb": "ئەنجومەن"}


@override_settings(LANGUAGES=THREE_LANGUAGES)
def test_admin_search_finds_names_however_typed(client, make_staff, signatory) -> None:
    """The search box folds spellings in every language's name: Arabic letters find
    Persian and Sorani ones."""
    other = Signatory.objects.create(slug="union", names={"fa": "اتحادیه", "ckb": "یەکێتی"})
    client.force_login(make_staff("editor"))
    url = "/en/admin/publications/signatory/"
    found = _page(client.get(url, {"q": "كميته"}))
    assert f"/signatory/{signatory.pk}/change/" in found
    assert f"/signatory/{other.pk}/change/" not in found
    found = _page(client.get(url, {"q": "يەكيتي"}))
    assert f"/signatory/{other.pk}/change/" in found
    assert '<span lang="ckb" dir="rtl">یەکێتی</span>' in found
    assert f"/signatory/{signatory.pk}/change/" not in found
    found = _page(client.get(url, {"q": "committee"}))
    assert f"/signatory/{signatory.pk}/change/" in found
    quoted = Signatory.objects.create(
        slug="free", names={"fa": "اتحادیه", "en": 'The "Free" Union'}
    )
    found = _page(client.get(url, {"q": """'"free"'"""}))
    assert f"/signatory/{quoted.pk}/change/" in found


@pytest.mark.django_db(transaction=True)
def test_migration_copies_names_both_ways() -> None:
    """Migrating copies the names of the old columns into the JSON fields, and back."""
    before = [("publications", "0008_language_choices_from_configuration")]
    after = [("publications", "0010_remove_names_per_column")]
    executor = MigrationExecutor(connection)
    try:
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        old.get_model("publications", "Kind").objects.create(
            slug="appeal", name_fa="فراخوان", name_en="Appeal", plural_fa="فراخوان‌ها", order=9
        )
        old.get_model("publications", "Signatory").objects.create(
            slug="council", name_fa="شورا", name_en="Council"
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        kind = Kind.objects.get(slug="appeal")
        assert kind.names == {"fa": "فراخوان", "en": "Appeal"}
        assert kind.plurals == {"fa": "فراخوان‌ها"}
        assert Signatory.objects.get(slug="council").names == {"fa": "شورا", "en": "Council"}
        Signatory.objects.create(slug="office", names={"en": "Office"})

        executor = MigrationExecutor(connection)
        executor.migrate(before)
        old = executor.loader.project_state(before).apps
        kind = old.get_model("publications", "Kind").objects.get(slug="appeal")
        assert (kind.name_fa, kind.name_en, kind.plural_fa, kind.plural_en) == (
            "فراخوان",
            "Appeal",
            "فراخوان‌ها",
            "",
        )
        signatories = old.get_model("publications", "Signatory").objects.order_by("slug")
        assert [(s.slug, s.name_fa, s.name_en) for s in signatories] == [
            ("council", "شورا", "Council"),
            ("office", "Office", "Office"),
        ]
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


DJANGO_NAMED = [(code, gettext_lazy(LANG_INFO[code]["name"])) for code in ("fa", "en", "ckb", "de")]


@override_settings(LANGUAGES=DJANGO_NAMED)
def test_a_name_missing_in_a_language_is_taken_from_one_written_like_it() -> None:
    """A kind named in Persian and English only: German pages show "Statement", Sorani
    pages «بیانیه»; with German's interface falling back to Persian, German shows that."""
    kind = Kind(slug="statement", names={"fa": "بیانیه", "en": "Statement"})
    assert kind.name("de") == "Statement"
    assert kind.name("ckb") == "بیانیه"
    assert kind.plural("de") == "Statement"
    with override_settings(NASHR_LANGUAGE_OPTIONS={"de": "interface_fallback=fa"}):
        assert kind.name("de") == "بیانیه"
