"""The demo loader makes two English issues and one Persian, once."""

from __future__ import annotations

import datetime as dt

from nashr.bulletins import demo
from nashr.bulletins.models import Bulletin, BulletinItem


def test_demo_issues_from_the_publications(statement_pair, db):
    """Two English issues from 47 and one Persian issue carry every publication once."""
    for day in range(1, 6):
        statement_pair(title=f"بیانیه {day}", date=dt.date(2023, 10, day * 5), translated=day % 2)
    demo.load()
    demo.load()
    english = list(Bulletin.objects.filter(series__slug="iran-bulletin").order_by("number"))
    persian = list(Bulletin.objects.filter(series__slug="khabarnameh"))
    assert [b.number for b in english] == [47, 48]
    assert [b.number for b in persian] == [1]
    assert all(b.status == "published" for b in english + persian)
    carried = BulletinItem.objects.filter(bulletin__in=english).values_list(
        "publication__translation_key", flat=True
    )
    assert len(carried) == len(set(carried)) == 5
    assert len(persian[0].document["items"]) == 5
    assert english[1].document["editorial"]["title"] == "“No to oblivion”"
