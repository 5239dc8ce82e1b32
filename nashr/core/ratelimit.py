"""Fixed-window rate limits, counted in the database by one statement per attempt.

An attempt is one ``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (PostgreSQL, SQLite from
3.35): the database adds one to the key's count, or starts a new window at one when the
last has ended, and answers with the count, all under the row's lock. Workers and threads,
on one machine or several, see one count, and exactly `limit` attempts pass in a window.
The cache could not promise this: the file cache's add() and incr() read a file and then
write it, so workers hitting a limit at once each saw a count under it.

Callers pass keyed hashes (of a client address, of an email address) or ids as values,
and the key is hashed once more, so the table (`RateCount`) names no address. The count
is written in the caller's transaction: an attempt the caller refuses after counting it
(a comment refused by a later check) must be counted outside the transaction it rolls
back, or it is not counted at all. Rows whose window ended are deleted by `purge`
(`nashr ratelimits purge`, daily).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.utils import timezone
from django.utils.crypto import salted_hmac

from nashr.core.models import RateCount


def _key(namespace: str, kind: str, value: str) -> str:
    digest = salted_hmac(namespace, f"{kind}:{value}", algorithm="sha256").hexdigest()
    return f"{kind[:30]}:{digest[:48]}"


def _count_one(key: str, *, window: int, now: dt.datetime) -> int:
    """Add one to the count under `key` (a new window from one if the last ended); the count."""
    quote = connection.ops.quote_name
    table = quote(RateCount._meta.db_table)
    key_column, count, ends = quote("key"), quote("count"), quote("window_ends_at")
    sql = (  # names from the model only, values as parameters
        f"INSERT INTO {table} ({key_column}, {count}, {ends}) VALUES (%s, 1, %s) "  # noqa: S608
        f"ON CONFLICT ({key_column}) DO UPDATE SET "
        f"{count} = CASE WHEN {table}.{ends} <= %s THEN 1 ELSE {table}.{count} + 1 END, "
        f"{ends} = CASE WHEN {table}.{ends} <= %s THEN excluded.{ends} ELSE {table}.{ends} END "
        f"RETURNING {count}"
    )
    adapt = connection.ops.adapt_datetimefield_value
    ends_at = now + dt.timedelta(seconds=window)
    with connection.cursor() as cursor:
        cursor.execute(sql, [key, adapt(ends_at), adapt(now), adapt(now)])
        row = cursor.fetchone()
    return int(row[0])


def hit(
    *,
    namespace: str,
    kind: str,
    value: str,
    limit: int,
    window: int,
    now: dt.datetime | None = None,
) -> bool:
    """Count one attempt; False when `limit` attempts were already made in this window."""
    key = _key(namespace, kind, value)
    return _count_one(key, window=window, now=now or timezone.now()) <= limit


def reset(*, namespace: str, kind: str, value: str) -> None:
    """Forget the attempts counted under (`kind`, `value`): the next one starts a window."""
    RateCount.objects.filter(key=_key(namespace, kind, value)).delete()


def purge(*, now: dt.datetime | None = None) -> int:
    """Delete the counts whose window has ended; how many."""
    ended = RateCount.objects.filter(window_ends_at__lte=now or timezone.now())
    deleted, _by_model = ended.delete()
    return deleted
