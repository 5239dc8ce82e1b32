"""A small Drupal 7 site's database, in the tables and columns Drupal 7 creates.

The columns follow Drupal 7.x's ``hook_schema`` (node.install, system.install,
field_sql_storage, taxonomy.install, comment.install, user.install, locale.install);
types are written so that both SQLite and MariaDB accept them (and Entity Translation's
and the Title module's tables, as those modules create them). Contents: a Persian
statement (two revisions: the older body must not be imported) and its English
translation sharing one alias per language (comments open on the first, closed on the
second, whose title is the Title module's), an untranslated draft page in plain text,
taxonomy (a term with an alias), four users, comments with a reply, and aliases; nodes in
languages the site does not publish (an Icelandic original with an English translation,
a French node with a comment); two Entity Translation nodes, each language with its own
body and title (an English one, comments hidden, translated into Persian, published, and
Icelandic; a Persian one, translated into English, unpublished), one linking to a
``?q=node/1`` address.
"""

from __future__ import annotations

from typing import Any

SCHEMA = [
    """CREATE TABLE node (nid INT UNSIGNED NOT NULL PRIMARY KEY, vid INT UNSIGNED NULL,
    type VARCHAR(32) NOT NULL DEFAULT '', language VARCHAR(12) NOT NULL DEFAULT '',
    title VARCHAR(255) NOT NULL DEFAULT '', uid INT NOT NULL DEFAULT 0,
    status INT NOT NULL DEFAULT 1, created INT NOT NULL DEFAULT 0, changed INT NOT NULL DEFAULT 0,
    comment INT NOT NULL DEFAULT 0, promote INT NOT NULL DEFAULT 0, sticky INT NOT NULL DEFAULT 0,
    tnid INT UNSIGNED NOT NULL DEFAULT 0, translate INT NOT NULL DEFAULT 0)""",
    """CREATE TABLE node_revision (nid INT UNSIGNED NOT NULL DEFAULT 0,
    vid INT UNSIGNED NOT NULL PRIMARY KEY, uid INT NOT NULL DEFAULT 0,
    title VARCHAR(255) NOT NULL DEFAULT '', log LONGTEXT NOT NULL, timestamp INT NOT NULL DEFAULT 0,
    status INT NOT NULL DEFAULT 1, comment INT NOT NULL DEFAULT 0, promote INT NOT NULL DEFAULT 0,
    sticky INT NOT NULL DEFAULT 0)""",
    *(
        f"""CREATE TABLE {table} (entity_type VARCHAR(128) NOT NULL DEFAULT '',
        bundle VARCHAR(128) NOT NULL DEFAULT '', deleted TINYINT NOT NULL DEFAULT 0,
        entity_id INT UNSIGNED NOT NULL, revision_id INT UNSIGNED NULL,
        language VARCHAR(32) NOT NULL DEFAULT '', delta INT UNSIGNED NOT NULL,
        {field}_value LONGTEXT NULL, {summary}{field}_format VARCHAR(255) NULL,
        PRIMARY KEY (entity_type, entity_id, {key}deleted, delta, language))"""
        for table, field, summary, key in (
            ("field_data_body", "body", "body_summary LONGTEXT NULL, ", ""),
            ("field_revision_body", "body", "body_summary LONGTEXT NULL, ", "revision_id, "),
            ("field_data_comment_body", "comment_body", "", ""),
            ("field_data_title_field", "title_field", "", ""),
            ("field_revision_title_field", "title_field", "", "revision_id, "),
        )
    ),
    """CREATE TABLE entity_translation (entity_type VARCHAR(128) NOT NULL DEFAULT '',
    entity_id INT UNSIGNED NOT NULL, revision_id INT UNSIGNED NOT NULL,
    language VARCHAR(32) NOT NULL DEFAULT '', source VARCHAR(32) NOT NULL DEFAULT '',
    uid INT UNSIGNED NOT NULL DEFAULT 0, status INT NOT NULL DEFAULT 1,
    translate INT NOT NULL DEFAULT 0, created INT NOT NULL DEFAULT 0,
    changed INT NOT NULL DEFAULT 0, PRIMARY KEY (entity_type, entity_id, language))""",
    """CREATE TABLE taxonomy_vocabulary (vid INT UNSIGNED NOT NULL PRIMARY KEY,
    name VARCHAR(255) NOT NULL DEFAULT '', machine_name VARCHAR(255) NOT NULL DEFAULT '',
    description LONGTEXT NULL, hierarchy TINYINT NOT NULL DEFAULT 0, module VARCHAR(255) NOT NULL
    DEFAULT '', weight INT NOT NULL DEFAULT 0)""",
    """CREATE TABLE taxonomy_term_data (tid INT UNSIGNED NOT NULL PRIMARY KEY,
    vid INT UNSIGNED NOT NULL DEFAULT 0, name VARCHAR(255) NOT NULL DEFAULT '',
    description LONGTEXT NULL, format VARCHAR(255) NULL, weight INT NOT NULL DEFAULT 0)""",
    """CREATE TABLE taxonomy_index (nid INT UNSIGNED NOT NULL DEFAULT 0,
    tid INT UNSIGNED NOT NULL DEFAULT 0, sticky TINYINT DEFAULT 0,
    created INT NOT NULL DEFAULT 0)""",
    """CREATE TABLE users (uid INT UNSIGNED NOT NULL PRIMARY KEY, name VARCHAR(60) NOT NULL
    DEFAULT '', pass VARCHAR(128) NOT NULL DEFAULT '', mail VARCHAR(254) NULL DEFAULT '',
    theme VARCHAR(255) NOT NULL DEFAULT '', signature VARCHAR(255) NOT NULL DEFAULT '',
    signature_format VARCHAR(255) NULL, created INT NOT NULL DEFAULT 0,
    access INT NOT NULL DEFAULT 0, login INT NOT NULL DEFAULT 0, status TINYINT NOT NULL DEFAULT 0,
    timezone VARCHAR(32) NULL, language VARCHAR(12) NOT NULL DEFAULT '', picture INT NOT NULL
    DEFAULT 0, init VARCHAR(254) NULL DEFAULT '', data LONGBLOB NULL)""",
    """CREATE TABLE comment (cid INT NOT NULL PRIMARY KEY, pid INT NOT NULL DEFAULT 0,
    nid INT NOT NULL DEFAULT 0, uid INT NOT NULL DEFAULT 0, subject VARCHAR(64) NOT NULL
    DEFAULT '', hostname VARCHAR(128) NOT NULL DEFAULT '', created INT NOT NULL DEFAULT 0,
    changed INT NOT NULL DEFAULT 0, status TINYINT UNSIGNED NOT NULL DEFAULT 1,
    thread VARCHAR(255) NOT NULL, name VARCHAR(60) NULL, mail VARCHAR(64) NULL,
    homepage VARCHAR(255) NULL, language VARCHAR(12) NOT NULL DEFAULT '')""",
    """CREATE TABLE url_alias (pid INT UNSIGNED NOT NULL PRIMARY KEY,
    source VARCHAR(255) NOT NULL DEFAULT '', alias VARCHAR(255) NOT NULL DEFAULT '',
    language VARCHAR(12) NOT NULL DEFAULT '')""",
    """CREATE TABLE languages (language VARCHAR(12) NOT NULL PRIMARY KEY,
    name VARCHAR(64) NOT NULL DEFAULT '', native VARCHAR(64) NOT NULL DEFAULT '',
    direction INT NOT NULL DEFAULT 0, enabled INT NOT NULL DEFAULT 0,
    plurals INT NOT NULL DEFAULT 0, formula VARCHAR(255) NOT NULL DEFAULT '',
    domain VARCHAR(128) NOT NULL DEFAULT '', prefix VARCHAR(128) NOT NULL DEFAULT '',
    weight INT NOT NULL DEFAULT 0, javascript VARCHAR(64) NOT NULL DEFAULT '')""",
]

T2019 = 1556700000  # 2019-05-01 08:40 UTC
DAY = 86400
STATEMENT, PAGE, ARTICLE = "statement", "page", "article"
# node.comment
HIDDEN, CLOSED, OPEN = 0, 1, 2


def _node(
    nid: int, vid: int, kind: str, language: str, title: str, uid: int, status: int,
    created: int, comment: int, tnid: int,
) -> tuple[Any, ...]:  # fmt: skip
    return (nid, vid, kind, language, title, uid, status, created, created, comment, 1, 0, tnid, 0)


def _revision(
    nid: int, vid: int, uid: int, title: str, status: int, comment: int
) -> tuple[Any, ...]:
    return (nid, vid, uid, title, "", T2019, status, comment, 1, 0)


def _comment(
    cid: int, pid: int, nid: int, subject: str, created: int, status: int, thread: str,
    name: str, mail: str, language: str,
) -> tuple[Any, ...]:  # fmt: skip
    return (
        cid,
        pid,
        nid,
        0,
        subject,
        "192.0.2.1",
        created,
        created,
        status,
        thread,
        name,
        mail,
        "",
        language,
    )


def _body(
    nid: int, vid: int, kind: str, language: str, text: str, summary: str = "",
    text_format: str = "filtered_html",
) -> tuple[Any, ...]:  # fmt: skip
    return ("node", kind, 0, nid, vid, language, 0, text, summary, text_format)


def _title(nid: int, vid: int, kind: str, language: str, text: str) -> tuple[Any, ...]:
    return ("node", kind, 0, nid, vid, language, 0, text, None)


def _translation(
    nid: int, vid: int, language: str, source: str, uid: int, status: int, created: int
) -> tuple[Any, ...]:
    return ("node", nid, vid, language, source, uid, status, 0, created, created)


# Bodies of the current revisions; the Entity Translation node's Persian row is written
# before its English one, so a reader taking the first row of a node reads the wrong one.
BODIES = [
    _body(1, 3, STATEMENT, "fa", "متن تازه.\n\nبند دوم.", "خلاصه"),
    _body(2, 2, STATEMENT, "en", "<p>English text.</p>", text_format="full_html"),
    _body(3, 4, PAGE, "und", "We are <a group>.\nSince 1990.", text_format="plain_text"),
    _body(4, 5, ARTICLE, "is", "<p>Íslenskur texti.</p>"),
    _body(5, 6, ARTICLE, "en", "<p>Translated from Icelandic.</p>"),
    _body(6, 7, ARTICLE, "fr", "<p>Texte français.</p>"),
    _body(7, 8, ARTICLE, "fa", "<p>متن فارسی ترجمه.</p>"),
    _body(7, 8, ARTICLE, "en", "<p>English original of an entity translation.</p>"),
    _body(7, 8, ARTICLE, "is", "<p>Íslensk þýðing.</p>"),
    _body(8, 9, STATEMENT, "fa", '<p>پیرو <a href="/?q=node/1">بیانیه پیشین</a>.</p>'),
    _body(8, 9, STATEMENT, "en", "<p>Unpublished English translation.</p>"),
]
TITLES = [
    # The Title module's title of node 2: it, not node_revision.title, is the title.
    _title(2, 2, STATEMENT, "en", "Statement on political prisoners"),
    _title(7, 8, ARTICLE, "en", "Entity translation, English"),
    _title(7, 8, ARTICLE, "fa", "ترجمه موجودیت، فارسی"),
    _title(7, 8, ARTICLE, "is", "Þýðing, íslenska"),
    _title(8, 9, STATEMENT, "fa", "بیانیه دوم"),
    _title(8, 9, STATEMENT, "en", "Second statement"),
]
ROWS: dict[str, list[tuple[Any, ...]]] = {
    "languages": [
        ("fa", "Persian", "فارسی", 1, 1, 0, "", "", "fa", 0, ""),
        ("en", "English", "English", 0, 1, 0, "", "", "en", 0, ""),
        ("is", "Icelandic", "Íslenska", 0, 1, 0, "", "", "is", 0, ""),
        ("fr", "French", "Français", 0, 1, 0, "", "", "fr", 0, ""),
    ],
    "users": [
        (0, "", "", "", "", "", None, 0, 0, 0, 0, None, "", 0, "", None),
        (1, "admin", "x", "a@example.org", "", "", None, 0, 0, 0, 1, None, "", 0, "", None),
        (2, "Executive Committee", "x", "", "", "", None, 0, 0, 0, 1, None, "", 0, "", None),
        (3, "Reporter", "x", "", "", "", None, 0, 0, 0, 1, None, "", 0, "", None),
    ],
    "node": [
        _node(1, 3, STATEMENT, "fa", "بیانیه زندانیان", 2, 1, T2019, OPEN, 1),
        _node(2, 2, STATEMENT, "en", "Statement on prisoners", 2, 1, T2019 + DAY, CLOSED, 1),
        _node(3, 4, PAGE, "und", "About us", 1, 0, T2019, HIDDEN, 0),
        _node(4, 5, ARTICLE, "is", "Íslensk frétt", 3, 1, T2019 + 2 * DAY, OPEN, 4),
        _node(5, 6, ARTICLE, "en", "Icelandic news, in English", 3, 1, T2019 + 3 * DAY, OPEN, 4),
        _node(6, 7, ARTICLE, "fr", "Nouvelle", 2, 1, T2019 + 4 * DAY, OPEN, 0),
        _node(7, 8, ARTICLE, "en", "Entity translation", 2, 1, T2019 + 5 * DAY, HIDDEN, 0),
        _node(8, 9, STATEMENT, "fa", "بیانیه دوم", 2, 1, T2019 + 6 * DAY, OPEN, 0),
    ],
    "node_revision": [
        _revision(1, 1, 2, "بیانیه (نسخه قدیم)", 1, OPEN),
        _revision(2, 2, 2, "Statement on prisoners", 1, CLOSED),
        _revision(1, 3, 2, "بیانیه زندانیان", 1, OPEN),
        _revision(3, 4, 1, "About us", 0, HIDDEN),
        _revision(4, 5, 3, "Íslensk frétt", 1, OPEN),
        _revision(5, 6, 3, "Icelandic news, in English", 1, OPEN),
        _revision(6, 7, 2, "Nouvelle", 1, OPEN),
        _revision(7, 8, 2, "Entity translation", 1, HIDDEN),
        _revision(8, 9, 2, "بیانیه دوم", 1, OPEN),
    ],
    "field_revision_body": [
        _body(1, 1, STATEMENT, "fa", "متن قدیمی"),
        *BODIES,
    ],
    "field_data_body": BODIES,
    "field_revision_title_field": TITLES,
    "field_data_title_field": TITLES,
    "entity_translation": [
        _translation(7, 8, "en", "", 2, 1, T2019 + 5 * DAY),
        _translation(7, 8, "fa", "en", 2, 1, T2019 + 7 * DAY),
        _translation(7, 8, "is", "en", 2, 1, T2019 + 7 * DAY),
        _translation(8, 9, "fa", "", 2, 1, T2019 + 6 * DAY),
        _translation(8, 9, "en", "fa", 2, 0, T2019 + 8 * DAY),
    ],
    "taxonomy_vocabulary": [(1, "Tags", "tags", "", 0, "taxonomy", 0)],
    "taxonomy_term_data": [(1, 1, "Statements", "", "plain_text", 0)],
    "taxonomy_index": [(1, 1, 0, T2019), (2, 1, 0, T2019)],
    "comment": [
        _comment(1, 0, 1, "درود", T2019 + 60, 1, "01/", "خواننده", "r@example.org", "fa"),
        _comment(2, 1, 1, "Re", T2019 + 120, 0, "01.00/", "Reader", "", "en"),
        _comment(3, 0, 2, "Hi", T2019 + 180, 1, "01/", "Someone", "", "en"),
        # Drupal's own subject: the first words of the comment.
        _comment(4, 0, 7, "Hidden from readers now", T2019 + 5 * DAY, 1, "01/", "Ann", "", "en"),
        _comment(5, 0, 6, "Bravo", T2019 + 4 * DAY, 1, "01/", "Jean", "", "fr"),
    ],
    "field_data_comment_body": [
        ("comment", "comment_node_statement", 0, 1, 1, "und", 0, "دست مریزاد", "filtered_html"),
        ("comment", "comment_node_statement", 0, 2, 2, "und", 0, "Thanks", "filtered_html"),
        ("comment", "comment_node_statement", 0, 3, 3, "und", 0, "Well said", "filtered_html"),
        (
            "comment",
            "comment_node_article",
            0,
            4,
            4,
            "und",
            0,
            "<p>Hidden from readers now that comments are hidden.</p>",
            "filtered_html",
        ),
        ("comment", "comment_node_article", 0, 5, 5, "und", 0, "Bien dit", "filtered_html"),
    ],
    "url_alias": [
        (1, "node/1", "statements/prisoners", "fa"),
        (2, "node/2", "statements/prisoners", "en"),
        (3, "node/3", "about", "und"),
        (4, "taxonomy/term/1", "term33", "und"),
        (5, "node/7", "entity-translation", "en"),
        (6, "node/7", "tarjomeh", "fa"),
        (7, "node/6", "nouvelle", "fr"),
    ],
}


def build(connection: Any, placeholder: str) -> None:
    """Create the tables and rows through a DB-API connection (``?`` or ``%s`` parameters)."""
    cursor = connection.cursor()
    for statement in SCHEMA:
        cursor.execute(statement)
    for table, rows in ROWS.items():
        marks = ", ".join([placeholder] * len(rows[0]))
        cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608 (fixed names)
    connection.commit()
    cursor.close()
