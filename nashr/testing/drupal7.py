"""A small Drupal 7 site's database, in the tables and columns Drupal 7 creates.

The columns follow Drupal 7.x's ``hook_schema`` (node.install, system.install,
field_sql_storage, taxonomy.install, comment.install, user.install, locale.install);
types are written so that both SQLite and MariaDB accept them. Contents: a Persian
statement (two revisions: the older body must not be imported) and its English
translation sharing one alias per language, an untranslated draft page in plain text,
taxonomy, three users, comments with a reply, and aliases.
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
        )
    ),
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
ROWS: dict[str, list[tuple[Any, ...]]] = {
    "languages": [
        ("fa", "Persian", "فارسی", 1, 1, 0, "", "", "fa", 0, ""),
        ("en", "English", "English", 0, 1, 0, "", "", "en", 0, ""),
    ],
    "users": [
        (0, "", "", "", "", "", None, 0, 0, 0, 0, None, "", 0, "", None),
        (1, "admin", "x", "a@example.org", "", "", None, 0, 0, 0, 1, None, "", 0, "", None),
        (2, "Executive Committee", "x", "", "", "", None, 0, 0, 0, 1, None, "", 0, "", None),
    ],
    "node": [
        (1, 3, "statement", "fa", "بیانیه زندانیان", 2, 1, T2019, T2019, 2, 1, 0, 1, 0),
        (
            2,
            2,
            "statement",
            "en",
            "Statement on prisoners",
            2,
            1,
            T2019 + 86400,
            T2019,
            2,
            1,
            0,
            1,
            0,
        ),
        (3, 4, "page", "und", "About us", 1, 0, T2019, T2019, 0, 0, 0, 0, 0),
    ],
    "node_revision": [
        (1, 1, 2, "بیانیه (نسخه قدیم)", "", T2019, 1, 2, 1, 0),
        (2, 2, 2, "Statement on prisoners", "", T2019, 1, 2, 1, 0),
        (1, 3, 2, "بیانیه زندانیان", "", T2019, 1, 2, 1, 0),
        (3, 4, 1, "About us", "", T2019, 0, 0, 0, 0),
    ],
    "field_revision_body": [
        ("node", "statement", 0, 1, 1, "fa", 0, "متن قدیمی", "", "filtered_html"),
        ("node", "statement", 0, 1, 3, "fa", 0, "متن تازه.\n\nبند دوم.", "خلاصه", "filtered_html"),
        ("node", "statement", 0, 2, 2, "en", 0, "<p>English text.</p>", "", "full_html"),
        ("node", "page", 0, 3, 4, "und", 0, "We are <a group>.\nSince 1990.", "", "plain_text"),
    ],
    "field_data_body": [
        ("node", "statement", 0, 1, 3, "fa", 0, "متن تازه.\n\nبند دوم.", "خلاصه", "filtered_html"),
        ("node", "statement", 0, 2, 2, "en", 0, "<p>English text.</p>", "", "full_html"),
        ("node", "page", 0, 3, 4, "und", 0, "We are <a group>.\nSince 1990.", "", "plain_text"),
    ],
    "taxonomy_vocabulary": [(1, "Tags", "tags", "", 0, "taxonomy", 0)],
    "taxonomy_term_data": [(1, 1, "Statements", "", "plain_text", 0)],
    "taxonomy_index": [(1, 1, 0, T2019), (2, 1, 0, T2019)],
    "comment": [
        (
            1,
            0,
            1,
            0,
            "درود",
            "192.0.2.1",
            T2019 + 60,
            T2019,
            1,
            "01/",
            "خواننده",
            "r@example.org",
            "",
            "fa",
        ),
        (2, 1, 1, 0, "Re", "192.0.2.2", T2019 + 120, T2019, 0, "01.00/", "Reader", "", "", "en"),
        (3, 0, 2, 0, "Hi", "192.0.2.3", T2019 + 180, T2019, 1, "01/", "Someone", "", "", "en"),
    ],
    "field_data_comment_body": [
        ("comment", "comment_node_statement", 0, 1, 1, "und", 0, "دست مریزاد", "filtered_html"),
        ("comment", "comment_node_statement", 0, 2, 2, "und", 0, "Thanks", "filtered_html"),
        ("comment", "comment_node_statement", 0, 3, 3, "und", 0, "Well said", "filtered_html"),
    ],
    "url_alias": [
        (1, "node/1", "statements/prisoners", "fa"),
        (2, "node/2", "statements/prisoners", "en"),
        (3, "node/3", "about", "und"),
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
