"""A Drupal 7 database read as items: MySQL/MariaDB, PostgreSQL or SQLite, as Drupal 7 runs on.

Read, in Drupal 7's own tables, as Drupal's own migration (``d7_node``,
``d7_node_translation``, ``d7_node_entity_translation``) reads them: ``node`` with its
current revision (``node_revision`` at ``node.vid``) and that revision's body and summary
(``field_revision_body``, the row in the node's language, else the neutral one), its
title (the Title module's ``title_field`` when the site has it, else the revision's),
the content type (label ``type:TYPE``) and taxonomy terms (``taxonomy_index``,
``taxonomy_term_data``: labels ``category:NAME``), the author (``users``), the language
and translations: a content-translation set (``tnid``: the node whose nid is the tnid
is the original), or Entity Translation (``entity_translation``: one node, a row per
language, each translation with its own body and title rows in the field tables, its
own status: an unpublished one comes as a draft; items ``node/N/LANGUAGE``); comments
(``comment`` with ``field_data_comment_body``; a subject that is not the start of the
comment, as Drupal writes one, kept as its first line) and whether they were open,
closed or hidden (``node.comment`` 2, 1, 0); and old addresses: ``node/NNN`` and every
``url_alias`` of it, each with and without its language prefix (``languages``), and
each term's ``taxonomy/term/N`` and aliases (pages of labels, see ``items``).

The address is ``mysql://user:password@host:port/name``, ``postgres://…`` or
``sqlite:///path``; ``?prefix=drupal_`` names a table prefix.
"""

from __future__ import annotations

import datetime as dt
import html
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from nashr.comments.services import CLOSED, HIDDEN, OPEN
from nashr.core.actors import Actor
from nashr.core.content import render_markdown
from nashr.importers.items import (
    Item,
    LabelPage,
    OldComment,
    Options,
    SourceReport,
    items_import,
)
from nashr.importers.markup import Markup, plain_text
from nashr.importers.problems import Problem, import_failed
from nashr.importers.uploads import Uploads
from nashr.publications.models import Status

SOURCE = "drupal7"
_NEUTRAL = "und"
# node.comment: COMMENT_NODE_HIDDEN, COMMENT_NODE_CLOSED, COMMENT_NODE_OPEN.
COMMENT_STATES = {0: HIDDEN, 1: CLOSED, 2: OPEN}
# The subject Drupal writes for a comment without one: its first 29 characters, or this.
_NO_SUBJECT = "(No subject)"


@contextmanager
def connect(url: str) -> Iterator[Any]:
    """A DB-API connection to the database the address names."""
    parts = urlsplit(url)
    scheme = parts.scheme.split("+")[0]
    connection: Any
    if scheme == "sqlite":
        path = unquote(parts.path)[1:] if parts.netloc == "" else unquote(parts.netloc + parts.path)
        if not Path(path).is_file():
            hint = ""
            if not path.startswith("/"):
                # sqlite:///tmp/d7.sqlite names tmp/d7.sqlite in the current folder.
                hint = f"for the absolute path /{path} write four slashes: sqlite:////{path}"
            raise import_failed(
                [Problem(url, f"no SQLite database at {path}", hint=hint)], unit="database"
            )
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
            ],
            unit="database",
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


def read_drupal7(url: str) -> tuple[list[Item], list[LabelPage]]:
    """The site's nodes (and translations) as items, and its terms' pages."""
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
                ],
                unit="database",
            ) from exc


@dataclass
class _Node:
    """A node's row with its current revision's title."""

    nid: int
    type: str
    language: str
    title: str
    uid: int
    status: int
    created: int
    tnid: int
    comment: int


class _Site:
    """What the items are made of, read once: per node and language where Drupal keeps
    it so (bodies, titles, Entity Translation rows)."""

    def __init__(self, db: _Database) -> None:
        self.bodies: dict[tuple[int, str], tuple[str, str, str]] = {}
        self.any_body: dict[int, tuple[str, str, str]] = {}
        for nid, language, body, summary, text_format in db.rows(
            "SELECT b.entity_id, b.language, b.body_value, b.body_summary, b.body_format "
            "FROM {field_revision_body} b "
            "JOIN {node} n ON n.nid = b.entity_id AND n.vid = b.revision_id "
            "WHERE b.entity_type = 'node' AND b.deleted = 0 AND b.delta = 0"
        ):
            row = (body or "", summary or "", text_format or "")
            self.bodies[(int(nid), language)] = row
            self.any_body.setdefault(int(nid), row)
        # The Title module's field replaces the node's title (and translates it).
        self.titles: dict[tuple[int, str], str] = {}
        for nid, language, title in db.optional(
            "SELECT t.entity_id, t.language, t.title_field_value "
            "FROM {field_revision_title_field} t "
            "JOIN {node} n ON n.nid = t.entity_id AND n.vid = t.revision_id "
            "WHERE t.entity_type = 'node' AND t.deleted = 0 AND t.delta = 0"
        ):
            if title:
                self.titles[(int(nid), language)] = title
        self.translations: dict[int, list[tuple[str, int, int, int]]] = {}
        for nid, language, uid, status, created in db.optional(
            "SELECT entity_id, language, uid, status, created FROM {entity_translation} "
            "WHERE entity_type = 'node' ORDER BY entity_id, language"
        ):
            self.translations.setdefault(int(nid), []).append(
                (language, int(uid), int(status), int(created))
            )
        self.terms: dict[int, list[str]] = {}
        for nid, name in db.optional(
            "SELECT i.nid, t.name FROM {taxonomy_index} i "
            "JOIN {taxonomy_term_data} t ON t.tid = i.tid ORDER BY i.nid, t.weight, t.tid"
        ):
            self.terms.setdefault(int(nid), []).append(f"category:{name}")
        self.term_names = {
            int(tid): name
            for tid, name in db.optional("SELECT tid, name FROM {taxonomy_term_data}")
        }
        self.used_terms = {int(tid) for (tid,) in db.optional("SELECT tid FROM {taxonomy_index}")}
        self.users = {int(uid): name for uid, name in db.rows("SELECT uid, name FROM {users}")}
        self.prefixes = {
            code: prefix for code, prefix in db.optional("SELECT language, prefix FROM {languages}")
        }
        self.aliases: dict[str, list[tuple[str, str]]] = {}
        for source, alias, language in db.optional(
            "SELECT source, alias, language FROM {url_alias} ORDER BY pid"
        ):
            self.aliases.setdefault(source, []).append((alias, language))
        self.comments = _comments(db)

    def of_language(self, found: dict[tuple[int, str], Any], nid: int, language: str) -> Any | None:
        """The row in the language, else the language-neutral one (never another's)."""
        return found.get((nid, language)) or found.get((nid, _NEUTRAL))

    def body(self, node: _Node, language: str) -> tuple[str, str, str]:
        """The body in the language; for the node's own language, a row in another when
        it has none in its own nor a neutral one (a site's language changed later)."""
        found = self.of_language(self.bodies, node.nid, language)
        if found is None and language == node.language:
            found = self.any_body.get(node.nid)
        return found or ("", "", "")

    def author(self, uid: int) -> str:
        return self.users.get(uid, "") if uid else ""


def _read(db: _Database) -> tuple[list[Item], list[LabelPage]]:
    site = _Site(db)
    items = []
    for row in db.rows(
        "SELECT n.nid, n.type, n.language, r.title, n.uid, n.status, n.created, n.tnid, "
        "n.comment FROM {node} n JOIN {node_revision} r ON r.vid = n.vid ORDER BY n.nid"
    ):
        node = _Node(
            int(row[0]), row[1], row[2], row[3] or "", *(int(value or 0) for value in row[4:])
        )
        translations = [
            one
            for one in site.translations.get(node.nid, [])
            if one[0] not in {node.language, _NEUTRAL}
        ]
        own_aliases = site.aliases.get(f"node/{node.nid}", [])
        if translations:
            # Entity Translation: an alias in a translation's language is the translation's.
            others = {language for language, *_rest in translations}
            own_aliases = [alias for alias in own_aliases if alias[1] not in others]
        item = _item(site, node, node.language, node.status, node.created, node.uid)
        item.old_paths = _old_paths(node.nid, node.language, own_aliases, site.prefixes)
        item.comments = site.comments.get(node.nid, [])
        if node.tnid:
            item.group = str(node.tnid)
            item.original = node.tnid == node.nid
        elif translations:
            item.group, item.original = f"et:{node.nid}", True
        items.append(item)
        for language, uid, status, created in translations:
            translation = _item(
                site, node, language, node.status and status, created or node.created, uid
            )
            translation.source_id = f"node/{node.nid}/{language}"
            translation.where = f"drupal7 node/{node.nid} ({language})"
            translation.group = item.group  # the tnid set's, if the node is in one too
            aliases = [a for a in site.aliases.get(f"node/{node.nid}", []) if a[1] == language]
            translation.old_paths = _translation_paths(node.nid, language, aliases, site.prefixes)
            items.append(translation)
    return items, _term_pages(site)


def _item(site: _Site, node: _Node, language: str, status: int, created: int, uid: int) -> Item:
    """The node in one of its languages (its own, or an Entity Translation's)."""
    body, summary, text_format = site.body(node, language)
    title = site.of_language(site.titles, node.nid, language) or node.title
    moment = dt.datetime.fromtimestamp(created, tz=dt.UTC)
    published = status == 1
    return Item(
        source_id=f"node/{node.nid}",
        where=f"drupal7 node/{node.nid}",
        title=html.unescape(title),
        body=_html(body, text_format),
        date=moment.date(),
        status=Status.PUBLISHED if published else Status.DRAFT,
        language="" if language == _NEUTRAL else language,
        paragraphs="markdown" not in text_format,
        summary=summary.strip(),
        published_at=moment if published else None,
        labels=[f"type:{node.type}", *site.terms.get(node.nid, [])],
        author=site.author(uid),
        comments_state=COMMENT_STATES.get(node.comment, OPEN),
    )


def _term_pages(site: _Site) -> list[LabelPage]:
    """The page of each term in use or with an alias: ``taxonomy/term/N`` and its aliases."""
    pages = []
    for tid, name in sorted(site.term_names.items()):
        aliases = site.aliases.get(f"taxonomy/term/{tid}", [])
        if tid not in site.used_terms and not aliases:
            continue
        pages.append(
            LabelPage(
                label=f"category:{name}",
                where=f"drupal7 taxonomy/term/{tid}",
                old_paths=_paths(f"taxonomy/term/{tid}", _NEUTRAL, aliases, site.prefixes),
            )
        )
    return pages


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
    return _paths(f"node/{nid}", language, aliases, prefixes)


def _paths(
    source: str, language: str, aliases: list[tuple[str, str]], prefixes: dict[str, str]
) -> list[str]:
    """A Drupal path and each alias of it, bare and under the language's prefix."""
    paths = []
    for path, path_language in [(source, language), *aliases]:
        code = language if path_language == _NEUTRAL else path_language
        paths.append(f"/{path}")
        prefix = prefixes.get(code, code if code != _NEUTRAL else "")
        if prefix:
            paths.append(f"/{prefix}/{path}")
    return paths


def _translation_paths(
    nid: int, language: str, aliases: list[tuple[str, str]], prefixes: dict[str, str]
) -> list[str]:
    """An Entity Translation's addresses: ``node/NNN`` under its language's prefix (bare,
    it is the original's), and each alias in its language, bare and prefixed."""
    prefix = prefixes.get(language, language)
    paths = [f"/{prefix}/node/{nid}"] if prefix else []
    for alias, _language in aliases:
        paths.append(f"/{alias}")
        if prefix:
            paths.append(f"/{prefix}/{alias}")
    return paths


def _comments(db: _Database) -> dict[int, list[OldComment]]:
    found: dict[int, list[OldComment]] = {}
    for cid, pid, nid, name, mail, created, status, subject, body in db.optional(
        "SELECT c.cid, c.pid, c.nid, c.name, c.mail, c.created, c.status, c.subject, "
        "b.comment_body_value "
        "FROM {comment} c LEFT JOIN {field_data_comment_body} b ON b.entity_type = 'comment' "
        "AND b.entity_id = c.cid AND b.deleted = 0 AND b.delta = 0 ORDER BY c.cid"
    ):
        found.setdefault(int(nid), []).append(
            OldComment(
                source_id=str(cid),
                name=name or "",
                email=mail or "",
                body=_with_subject(subject or "", plain_text(body or "")),
                created_at=dt.datetime.fromtimestamp(int(created), tz=dt.UTC),
                status="approved" if int(status) == 1 else "pending",
                parent_id=str(pid) if pid and int(pid) else "",
            )
        )
    return found


def _with_subject(subject: str, body: str) -> str:
    """The comment, its subject as the first line unless Drupal made it from the text."""
    subject = " ".join(html.unescape(subject).split())
    start = subject.rstrip(".… ")
    if not subject or subject == _NO_SUBJECT or " ".join(body.split()).startswith(start):
        return body
    return f"{subject}\n\n{body}" if body else subject


def _safe(url: str) -> str:
    """The address without its password, to print."""
    parts = urlsplit(url)
    if parts.password:
        return url.replace(f":{parts.password}@", ":***@", 1)
    return url


def drupal7_import(*, actor: Actor, url: str, options: Options) -> SourceReport:
    """Import a Drupal 7 site's nodes, all or nothing (see ``items`` for the rules)."""
    items, label_pages = read_drupal7(url)
    markup = Markup(Uploads(options.uploads, actor=actor, dry_run=options.dry_run))
    return items_import(
        actor=actor,
        source=SOURCE,
        items=items,
        markup=markup,
        options=options,
        label_pages=label_pages,
    )
