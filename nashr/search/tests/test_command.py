"""`nashr search QUERY [--language L] [--json]` and `nashr search reindex`."""

from __future__ import annotations

import json
from collections.abc import Callable
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils.translation import override

from nashr.publications.models import Publication
from nashr.search.models import SearchEntry

MakePublication = Callable[..., Publication]


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("search", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_json_lists_id_language_title_url_score(make_publication: MakePublication) -> None:
    """--json prints each result's id, language, title, URL and score, best first."""
    in_title = make_publication(language="en", title="Prisoners freed", body="Today.")
    in_body = make_publication(language="en", title="News", body="Two prisoners were freed.")
    out, _ = run("prisoner", "--json")
    data = json.loads(out)
    assert data["total"] == 2
    assert [row["id"] for row in data["results"]] == [in_title.pk, in_body.pk]
    first = data["results"][0]
    assert first["language"] == "en" and first["title"] == "Prisoners freed"
    assert first["url"] == "http://127.0.0.1:8000" + in_title.get_absolute_url()
    assert first["score"] > data["results"][1]["score"]


def test_language_option_and_persian_words(make_publication: MakePublication) -> None:
    """--language keeps one language; Persian typed with Arabic letters is found."""
    persian = make_publication(title="Amnesty: زندانیان", body="")
    make_publication(language="en", title="Amnesty", body="")
    out, _ = run("amnesty", "زندانيان", "--language", "fa")
    lines = out.splitlines()
    assert lines[0].split("\t")[:3] == [str(persian.pk), "fa", "Amnesty: زندانیان"]
    assert lines[-1] == "1 of 1 matches shown"


def test_unparsable_query_is_a_command_error(db: None) -> None:
    """A query with nothing to look for is an error that says what to type."""
    with override("en"), pytest.raises(CommandError, match="Add at least one word"):
        run("--", "-draft")


def test_reindex_word_rebuilds_with_progress(make_publication: MakePublication) -> None:
    """`nashr search reindex` rebuilds the index and shows a progress bar."""
    publication = make_publication(body="اعتصاب")
    SearchEntry.objects.all().delete()
    out, err = run("reindex")
    assert out.strip() == "indexed 1 published publications"
    assert "100%" in err and "1/1" in err
    assert json.loads(run("اعتصاب", "--json")[0])["results"][0]["id"] == publication.pk


def test_quoted_reindex_is_searched_for(make_publication: MakePublication) -> None:
    """The word reindex in quotes is looked for, not obeyed."""
    publication = make_publication(language="en", title="How to reindex", body="")
    assert json.loads(run('"reindex"', "--json")[0])["results"][0]["id"] == publication.pk
