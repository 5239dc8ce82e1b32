"""Each rule of the one normalization, as a query and an index see it."""

from __future__ import annotations

import functools

import pytest

from nashr.search import normalize

# The rules below hold for every stemmer; English's shows the stemming of Latin words.
analyze = functools.partial(normalize.analyze, stemmer="english")
terms = functools.partial(normalize.terms, stemmer="english")
words = functools.partial(normalize.words, stemmer="english")


def test_zero_width_space_counts_as_zwnj() -> None:
    """A zero-width space, typed by some keyboards for ZWNJ, joins like ZWNJ."""
    assert terms("می\u200bروم") == terms("می\u200cروم") == ["میروم"]


@pytest.mark.parametrize("typed", ["میروم", "می‌روم", "می روم", "مي‌روم", "مى روم"])
def test_prefix_mi_joined_zwnj_and_spaced_are_one_term(typed: str) -> None:
    """می before a verb gives one term however it is attached."""
    assert terms(typed) == ["میروم"]


@pytest.mark.parametrize("typed", ["نمیخواهیم", "نمی‌خواهیم", "نمی خواهیم"])
def test_prefix_nemi_is_joined(typed: str) -> None:
    """نمی joins its verb like می."""
    assert terms(typed) == ["نمیخواهیم"]


@pytest.mark.parametrize(
    ("typed", "term"),
    [
        ("کتاب ها", "کتابها"),
        ("کتاب‌های", "کتابهای"),
        ("کتاب هایشان", "کتابهایشان"),
        ("بزرگ تر", "بزرگتر"),
        ("بزرگ‌ترین", "بزرگترین"),
    ],
)
def test_suffixes_join_their_word(typed: str, term: str) -> None:
    """ها, های, تر, ترین and their kin join the word before them, spaced or with ZWNJ."""
    assert terms(typed) == [term]


@pytest.mark.parametrize("typed", ["خانۀ من", "خانهٔ من", "خانه‌ی من", "خانه ی من", "خانه من"])
def test_ezafe_spellings_are_one(typed: str) -> None:
    """The ezafe after heh, written ۀ, هٔ, ‌ی, ی or not at all, gives the same terms."""
    assert terms(typed) == ["خانه", "من"]


def test_ambiguous_affixes_stay_words() -> None:
    """ای (O!) is not joined: «ای ایران» stays two words."""
    assert terms("سرود ای ایران") == ["سرود", "ای", "ایران"]


def test_affix_does_not_join_across_punctuation() -> None:
    """Only whitespace lets an affix join: a comma keeps them apart."""
    assert terms("کتاب، ها") == ["کتاب", "ها"]


def test_parts_of_split_words_are_extra_terms() -> None:
    """A word written in parts is indexed whole, and each non-affix part as an extra."""
    analysis = analyze("می‌روم به کتاب‌ها و دانش‌آموز")
    assert analysis.terms == "میروم به کتابها و دانشاموز"
    assert analysis.extras.split() == ["روم", "کتاب", "دانش", "اموز"]


def test_joined_spelling_has_no_extras() -> None:
    """A word typed joined has nothing to split, so no extras."""
    assert analyze("کتابها").extras == ""


@pytest.mark.parametrize(
    ("typed", "stem"),
    [
        ("prisoners", "prison"),
        ("Prisoner", "prison"),
        ("running", "run"),
        ("statements", "statement"),
    ],
)
def test_english_words_are_stemmed(typed: str, stem: str) -> None:
    """English words are reduced to their Snowball stem, case folded."""
    assert terms(typed) == [stem]


def test_operators_and_punctuation_are_not_terms() -> None:
    """Operators and punctuation of any engine are dropped: only letters and digits remain."""
    assert terms('NEAR(a* b) OR ^c title:d "e" \x00 -- ; DROP') == [
        "near", "a", "b", "or", "c", "titl", "d", "e", "drop",
    ]  # fmt: skip


def test_overlong_terms_are_dropped() -> None:
    """A 'word' longer than any real word is not a term."""
    assert terms("a" * 500 + " kept") == ["kept"]


def test_words_know_where_they_are_written() -> None:
    """Each word carries its place in the original text, joined affixes included."""
    text = "ما مي روم."
    found = [(text[w.start : w.end], w.term) for w in words(text)]
    assert found == [("ما", "ما"), ("مي روم", "میروم")]
