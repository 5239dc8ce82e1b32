"""`nashr demo` loads the invented organization's publications, once."""

from __future__ import annotations

import io

from django.contrib.auth import get_user_model
from django.core.management import call_command

from nashr.core.languages import codes
from nashr.publications import selectors
from nashr.publications.models import Kind, Publication, Signatory, Status


def _snapshot() -> list[tuple]:
    return list(
        Publication.objects.order_by("pk").values_list(
            "pk", "translation_key", "language", "revision", "source_revision", "updated_at"
        )
    )


def test_demo_content_and_idempotence(db) -> None:
    """Twelve or more publications of every kind over three months; a second run changes nothing."""
    out = io.StringIO()
    call_command("demo", stdout=out)
    first_output = out.getvalue()
    assert "admin user created: demo / " in first_output
    assert get_user_model().objects.get(username="demo").is_superuser

    published = Publication.objects.filter(status=Status.PUBLISHED)
    originals = published.filter(translation_of__isnull=True)
    assert originals.count() >= 12
    # Persian originals; one Sorani original when the site has Sorani.
    assert set(originals.values_list("language", flat=True)) == {"fa"} | ({"ckb"} & set(codes()))
    assert set(published.values_list("kind__slug", flat=True)) == set(
        Kind.objects.values_list("slug", flat=True)
    )
    months = {(d.year, d.month) for d in published.values_list("date", flat=True)}
    assert len(months) >= 3
    translations = published.filter(translation_of__isnull=False)
    assert translations.count() > originals.count() / 2
    assert published.exclude(legacy_path=None).exists()
    assert Signatory.objects.count() >= 3

    # The demo leaves one English translation missing and one outdated (further
    # languages, when configured, have only a few translations and are left out here).
    gaps = [
        g
        for g in selectors.translation_gaps()
        if g.language == "en" and g.original.language == "fa"
    ]
    missing = [g for g in gaps if g.translation is None]
    outdated = [g for g in gaps if g.translation is not None]
    assert len(missing) == 1 and len(outdated) == 1
    stale = outdated[0].translation
    assert stale is not None and stale.source_revision is not None
    assert stale.source_revision < outdated[0].original.revision

    before = _snapshot()
    users = get_user_model().objects.count()
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert _snapshot() == before
    assert get_user_model().objects.count() == users
    assert "0 imported" in out.getvalue() and "0 corrected" in out.getvalue()
    assert " / " not in out.getvalue().split("\n")[0]  # the password is not shown again
