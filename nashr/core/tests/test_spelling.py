"""One character fold: Python's, and the SQL written from its tables, give the same text."""

from __future__ import annotations

import psycopg
import pytest
from django.contrib.auth.models import Group
from django.db import connection

from nashr.core.spelling import (
    fold,
    fold_for_contains,
    folded_for_contains,
    postgresql_fold_for_contains,
)
from nashr.testing.postgres_server import PostgresServer, postgres_server
from nashr.testing.spellings import CHARACTER_SPELLINGS, KEYBOARD_SPELLINGS, spelling_texts

# Besides the held-in cases: all-ASCII text, which PostgreSQL folds by a shortcut.
ASCII_TEXTS = ["Reader.One+Bulletin@Example.ORG", "PRISONER'S <b>1402</b>"]

__all__ = ["postgres_server"]


@pytest.mark.parametrize(("typed", "folded"), CHARACTER_SPELLINGS)
def test_fold_reduces_each_spelling_to_one(typed: str, folded: str) -> None:
    """Each variant letter, mark, digit or invisible character folds to the one spelling."""
    assert fold(typed) == folded


@pytest.mark.parametrize(("stored", "typed"), KEYBOARD_SPELLINGS)
def test_fold_for_contains_meets_keyboard_spellings(stored: str, typed: str) -> None:
    """«كارگران», «زنداني» and «گفتوگو» fold to what «کارگران», «زندانی», «گفت‌وگو» fold to."""
    assert fold_for_contains(typed) == fold_for_contains(stored)
    assert fold_for_contains(f"با {stored}!") == f"با {fold_for_contains(typed)}!"


def test_fold_for_contains_is_fold_without_half_spaces() -> None:
    """The substring fold is the one fold, with ZWNJ (and the zero-width space) dropped."""
    for text in spelling_texts():
        assert fold_for_contains(text) == fold(text).replace("\u200c", "")


@pytest.mark.django_db
def test_database_folds_a_column_as_python_does() -> None:
    """The database of the run (SQLite or PostgreSQL) folds each stored case as Python does."""
    texts = [*spelling_texts(), *ASCII_TEXTS]
    Group.objects.bulk_create(Group(name=text) for text in texts)
    in_database = dict(
        Group.objects.filter(name__in=texts)
        .annotate(folded=folded_for_contains("name"))
        .values_list("name", "folded")
    )
    assert len(in_database) == len(texts)
    differing = [
        (connection.vendor, text, in_database[text], fold_for_contains(text))
        for text in texts
        if in_database[text] != fold_for_contains(text)
    ]
    assert differing == []


def test_postgresql_folds_as_python_does(postgres_server: PostgresServer) -> None:
    """PostgreSQL, whatever database the run uses, folds each case as Python does."""
    texts = [*spelling_texts(), *ASCII_TEXTS]
    with psycopg.connect(postgres_server.url(), autocommit=True) as database:
        in_postgresql = []
        for text in texts:
            sql, params = postgresql_fold_for_contains("%s", [text])
            in_postgresql.append(database.execute(f"SELECT {sql}", params).fetchone())
    differing = [
        (text, found, fold_for_contains(text))
        for text, found in zip(texts, in_postgresql, strict=True)
        if found is None or found[0] != fold_for_contains(text)
    ]
    assert differing == []
