"""`nashr check` holds every admin search box to the one spelling fold."""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.sites import all_sites
from django.contrib.auth.models import Group

from nashr.core.admin import SpellingSearchAdmin
from nashr.core.checks import check_admin_searches_fold_spelling


def test_every_registered_admin_with_a_search_box_folds_spellings() -> None:
    """Nashr's admins, Django's and django-otp's included, all fold what is searched."""
    assert check_admin_searches_fold_spelling() == []


def test_an_admin_searching_without_the_fold_is_an_error() -> None:
    """An admin with search_fields that is not a SpellingSearchAdmin is named by the check."""

    class PlainAdmin(admin.ModelAdmin[Group]):
        search_fields = ["name"]

    class FoldingAdmin(SpellingSearchAdmin[Group]):
        search_fields = ["name"]

    plain, folding = admin.AdminSite(name="plain"), admin.AdminSite(name="folding")
    plain.register(Group, PlainAdmin)
    folding.register(Group, FoldingAdmin)
    try:
        errors = check_admin_searches_fold_spelling()
    finally:  # the sites stay known to the admin until collected: forget them now
        all_sites.discard(plain)
        all_sites.discard(folding)
    assert [(error.id, error.obj) for error in errors] == [("nashr.E001", plain._registry[Group])]
