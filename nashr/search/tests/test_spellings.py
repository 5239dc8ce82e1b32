"""Every way of typing a Persian word finds the same publication, on either database."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from nashr.publications.models import Publication
from nashr.search.tests.conftest import found_ids
from nashr.testing.spellings import SPELLINGS


@pytest.mark.parametrize(("written", "typed"), SPELLINGS)
def test_reader_spelling_finds_publication(
    make_publication: MakePublication, written: str, typed: str
) -> None:
    """A word written one way is found when typed the other way."""
    wanted = make_publication(title="بیانیه", body=f"متن دربارهٔ {written} است.")
    make_publication(title="خبر دیگر", body="متنی بی‌ربط درباره هوا.")
    assert found_ids(typed) == [wanted.pk]


@pytest.mark.parametrize(("written", "typed"), SPELLINGS)
def test_publication_spelling_is_found_the_other_way(
    make_publication: MakePublication, written: str, typed: str
) -> None:
    """A word written the reader's way is found when typed the publication's way."""
    wanted = make_publication(title="بیانیه", body=f"متن دربارهٔ {typed} است.")
    make_publication(title="خبر دیگر", body="متنی بی‌ربط درباره هوا.")
    assert found_ids(written) == [wanted.pk]


MakePublication = Callable[..., Publication]


def test_title_words_are_found(make_publication: MakePublication) -> None:
    """Words of the title are searched as well as the body."""
    wanted = make_publication(title="بيانيه كميته", body="")
    assert found_ids("بیانیه کمیته") == [wanted.pk]


def test_part_of_a_split_word_finds_it(make_publication: MakePublication) -> None:
    """«کتاب» finds «کتاب‌ها», written with ZWNJ or spaced."""
    first = make_publication(body="این کتاب‌ها ممنوع شد.")
    second = make_publication(body="این کتاب ها ممنوع شد.")
    assert sorted(found_ids("کتاب")) == sorted([first.pk, second.pk])


def test_english_stemming_finds_other_forms(make_publication: MakePublication) -> None:
    """ "prisoners" finds "prisoner", and "released" finds "releases"."""
    wanted = make_publication(
        language="en", title="On a prisoner", body="The court releases him today."
    )
    assert found_ids("prisoners") == [wanted.pk]
    assert found_ids("released PRISONER") == [wanted.pk]


def test_phrase_needs_words_together_in_order(make_publication: MakePublication) -> None:
    """A quoted phrase finds its words side by side, not apart or reversed."""
    together = make_publication(title="خبر", body="آزادی زندانیان سیاسی")
    make_publication(title="خبر", body="زندانیان سیاسی و آزادی")
    assert found_ids('"آزادی زندانیان"') == [together.pk]
    assert found_ids("«آزادي زندانيان»") == [together.pk]


def test_minus_leaves_out(make_publication: MakePublication) -> None:
    """-word leaves out what contains the word, -"phrase" what contains the phrase."""
    keep = make_publication(title="خبر", body="زندانیان سیاسی آزاد شدند.")
    make_publication(title="خبر", body="زندانیان سیاسی اعدام شدند.")
    make_publication(title="خبر", body="زندانیان عادی آزاد شدند.")
    assert found_ids('زندانیان -اعدام -"زندانیان عادی"') == [keep.pk]


def test_title_match_ranks_first(make_publication: MakePublication) -> None:
    """A publication with the word in its title ranks above one with it only in the body."""
    body_only = make_publication(title="خبر", body="درباره اعتصاب کارگران و چیزهای دیگر.")
    in_title = make_publication(title="اعتصاب کارگران", body="متن.")
    assert found_ids("اعتصاب") == [in_title.pk, body_only.pk]
