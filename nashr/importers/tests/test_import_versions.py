"""Versions of one publication across files: the original, and what cannot be linked."""

from __future__ import annotations

import uuid

import pytest

from nashr.core.actors import COMMAND
from nashr.core.exceptions import ImportFailed
from nashr.importers.run import publications_import
from nashr.importers.tests.test_import import STATEMENT_EN, STATEMENT_FA, write
from nashr.importers.translation_groups import translation_key

MARKED = "original: true\ntranslation_key"


def problems_of(*paths) -> list[str]:
    with pytest.raises(ImportFailed) as failed:
        publications_import(actor=COMMAND, paths=list(paths))
    return [str(problem) for problem in failed.value.problems]


def test_translation_key_text_gives_the_same_key_and_a_uuid_is_kept() -> None:
    """A textual key stands for one UUID on every run; a UUID stands for itself."""
    assert translation_key("prisoners-2024") == translation_key("prisoners-2024")
    assert translation_key("prisoners-2024") != translation_key("prisoners-2025")
    given = uuid.uuid4()
    assert translation_key(str(given)) == given


def test_two_files_marked_original(tmp_path, signatory) -> None:
    """Only one version may be marked original; the second marked is reported."""
    fa = write(tmp_path, "fa.md", STATEMENT_FA.replace("translation_key", MARKED))
    en = write(tmp_path, "en.md", STATEMENT_EN.replace("translation_key", MARKED))
    assert problems_of(fa, en) == [
        f"{en}: original: marked original, as is {fa} "
        "(one version of a publication is the original)"
    ]


def test_marked_original_when_the_database_has_one(tmp_path, signatory) -> None:
    """A file marked original is refused when its publication's original is already saved."""
    publications_import(actor=COMMAND, paths=[write(tmp_path / "a", "fa.md", STATEMENT_FA)])
    en = write(tmp_path / "b", "en.md", STATEMENT_EN.replace("translation_key", MARKED))
    [problem] = problems_of(en)
    assert problem.startswith(f"{en}: original: marked original, but publication #")


def test_one_legacy_path_in_two_files(tmp_path, signatory) -> None:
    """Two files may not claim one old address."""
    fa = write(tmp_path, "fa.md", STATEMENT_FA)
    other = write(tmp_path, "x.md", STATEMENT_FA.replace("prisoners-2024", "other"))
    assert problems_of(fa, other) == [
        f"{other}: legacy_path: legacy path “/node/10158” is also in {fa} "
        "(an old address can lead to one publication only)"
    ]
