"""A Drupal 7 database read as items: MySQL/MariaDB, PostgreSQL or SQLite, as Drupal 7 runs on.

Read, in Drupal 7's own tables: ``node`` with its current revision (``node_revision``
at ``node.vid``) and that revision's body and summary (``field_revision_body``), the
content type (label ``type:TYPE``) and taxonomy terms (``taxonomy_index``,
``taxonomy_term_data``: labels ``category:NAME``), the author (``users``), the language
and translation set (``tnid``: the node whose nid is the tnid is the original),
comments (``comment`` with ``field_data_comment_body``) and old addresses: ``node/NNN``
and every ``url_alias`` of it, each with and without its language prefix (``languages``).

The address is ``mysql://user:password@host:port/name``, ``postgres://…`` or
``sqlite:///path``; ``?prefix=drupal_`` names a table prefix.
"""

from __future__ import annotations

import datetime as dt
import html
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from nashr.core.actors import Actor
from nashr.core.content import render_markdown
from nashr.importers.items import Item, OldComment, Options, SourceReport, items_import
from nashr.importers.markup import Markup
from nashr.importers.problems import Problem, import_failed
from nashr.importers.uploads import Uploads
from nashr.publications.models import Status

SOURCE = "drupal7"
_NEUTRAL = "und"


@contextmanager
def connect(url: str) -> Iterator[Any]:
    """A DB-API connection to the database the address names."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    connection: Any
    if scheme == "sqlite":
        path = unquote(parts.path)[1:] if parts.netloc == "" else unquote(parts.netloc + parts.path)
        if not Path(path).is_file():
            raise import_failed([Problem(url, f"no SQLite database at {path}")])
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    elif scheme in {"mysql", "mariadb"}:
        import pymysql  # type: ignore[import-untyped]  # no stubs among the dependencies

        connection = pymysql.connect(
            host=parts.hostname or "localhost",
            port=parts.port or 3306,
            user=unquote(parts.username or ""),
            password=unquote(parts.password or ""),
            database=unquote(parts.path.lstrip("/")),
            charset="utf8mb4",
        )
    elif scheme in {"postgres", "postgresql", "pgsql"}:
        import psycopg

        connection = psycopg.connect(url.replace(f"{parts.scheme}://", "postgresql://", 1))
    else:
        raise import_failed(
            [
                Problem(
                    url, f"unknown database “{parts.scheme}”", hint="use mysql, postgres or sqlite"
                )
            ]
        )
    try:
        yield connection
    finally:
        connection.close()


class _Database:
    def __init__(self, connection: Any, prefix: str) -> None:
        self.connection = connection
        self.prefix = prefix

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql.replace("{", self.prefix).replace("}", ""))
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def optional(self, sql: str) -> list[tuple[Any, ...]]:
        """Rows of a table a site may lack (no languages, no comments module)."""
        try:
            return self.rows(sql)
        except Exception:
            self.connection.rollback()
            return []


def read_drupal7(url: str) -> list[Item]:
    prefix = parse_qs(urlsplit(url).query).get("prefix", [""])[0]
    with connect(url.split("?")[0]) as connection:
        database = _Database(connection, prefix)
        try:
            return _read(database)
        except Exception as exc:
            raise import_failed(
                [
                    Problem(
                        _safe(url),
                        f"not a readable Drupal 7 database: {exc}",
                        hint="give the address of the site's database (and ?prefix= if its "
                        "tables have one)",
                    )
                ]
            ) from exc


def _read(db: _Database) -> list[Item]:
    bodies: dict[int, tuple[str, str, str]] = {}
    for nid, body, summary, text_format in db.rows(
        "SELECT b.entity_id, b.body_value, b.body_summary, b.body_format "
        "FROM {field_revision_body} b "
        "JOIN {node} n ON n.nid = b.entity_id AND n.vid = b.revision_id "
        "WHERE b.entity_type = 'node' AND b.deleted = 0 AND b.delta = 0"
    ):
        bodies.setdefault(int(nid), (body or "", summary or "", text_format or ""))
    terms: dict[int, list[str]] = {}
    for nid, name in db.optional(
        "SELECT i.nid, t.name FROM {taxonomy_index} i "
        "JOIN {taxonomy_term_data} t ON t.tid = i.tid ORDER BY i.nid, t.weight, t.tid"
    ):
        terms.setdefault(int(nid), []).append(f"category:{name}")
    users = {int(uid): name for uid, name in db.rows("SELECT uid, name FROM {users}")}
    prefixes = {
        code: prefix for code, prefix in db.optional("SELECT language, prefix FROM {languages}")
    }
    aliases: dict[int, list[tuple[str, str]]] = {}
    for source, alias, language in db.optional(
        "SELECT source, alias, language FROM {url_alias} WHERE source LIKE 'node/%' ORDER BY pid"
    ):
        number = source.split("/", 1)[1]
        if number.isdigit():
            aliases.setdefault(int(number), []).append((alias, language))
    comments = _comments(db)
    items = []
    for nid, node_type, language, title, uid, status, created, tnid in db.rows(
        "SELECT n.nid, n.type, n.language, r.title, n.uid, n.status, n.created, n.tnid "
        "FROM {node} n JOIN {node_revision} r ON r.vid = n.vid ORDER BY n.nid"
    ):
        nid = int(nid)
        body, summary, text_format = bodies.get(nid, ("", "", ""))
        moment = dt.datetime.fromtimestamp(int(created), tz=dt.UTC)
        published = int(status) == 1
        item = Item(
            source_id=f"node/{nid}",
            where=f"drupal7 node/{nid}",
            title=html.unescape(title or ""),
            body=_html(body, text_format),
            date=moment.date(),
            status=Status.PUBLISHED if published else Status.DRAFT,
            language="" if language == _NEUTRAL else language,
            paragraphs="markdown" not in text_format,
            summary=summary.strip(),
            published_at=moment if published else None,
            labels=[f"type:{node_type}", *terms.get(nid, [])],
            author=users.get(int(uid), "") if int(uid) else "",
            old_paths=_old_paths(nid, language, aliases.get(nid, []), prefixes),
            group=str(tnid) if tnid and int(tnid) else "",
            original=bool(tnid) and int(tnid) == nid,
            comments=comments.get(nid, []),
        )
        items.append(item)
    return items


def _html(body: str, text_format: str) -> str:
    if "markdown" in text_format:
        return render_markdown(body)
    if text_format == "plain_text":
        return html.escape(body)
    return body


def _old_paths(
    nid: int, language: str, aliases: list[tuple[str, str]], prefixes: dict[str, str]
) -> list[str]:
    """``node/NNN`` and each alias, bare and under the language's prefix."""
    paths = []
    for path, path_language in [(f"node/{nid}", language), *aliases]:
        code = language if path_language == _NEUTRAL else path_language
        paths.append(f"/{path}")
        prefix = prefixes.get(code, code if code != _NEUTRAL else "")
        if prefix:
            paths.append(f"/{prefix}/{path}")
    return paths


def _comments(db: _Database) -> dict[int, list[OldComment]]:
    found: dict[int, list[OldComment]] = {}
    for cid, pid, nid, name, mail, created, status, body in db.optional(
        "SELECT c.cid, c.pid, c.nid, c.name, c.mail, c.created, c.status, b.comment_body_value "
        "FROM {comment} c LEFT JOIN {field_data_comment_body} b ON b.entity_type = 'comment' "
        "AND b.entity_id = c.cid AND b.deleted = 0 AND b.delta = 0 ORDER BY c.cid"
    ):
        found.setdefault(int(nid), []).append(
            OldComment(
                source_id=str(cid),
                name=name or "",
                email=mail or "",
                body=(body or "").strip(),
                created_at=dt.datetime.fromtimestamp(int(created), tz=dt.UTC),
                status="approved" if int(status) == 1 else "pending",
                parent_id=str(pid) if pid and int(pid) else "",
            )
        )
    return found


def _safe(url: str) -> str:
    """The address without its password, to print."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def drupal7_import(*, actor: Actor, url: str, options: Options) -> SourceReport:
    """Import a Drupal 7 site's nodes, all or nothing (see ``items`` for the rules)."""
    items = read_drupal7(url)
    markup = Markup(Uploads(options.uploads, actor=actor, dry_run=options.dry_run))
    return items_import(actor=actor, source=SOURCE, items=items, markup=markup, options=options)
