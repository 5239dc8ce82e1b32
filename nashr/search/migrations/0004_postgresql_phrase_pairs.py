"""PostgreSQL: each text's two-word phrases as lexemes of their own (`phrase_vector`), and
its date's decade, year and month as lexemes of its vector.

GIN keeps no positions, so a phrase query made PostgreSQL read the whole vector of every
row holding all its words (from TOAST) to check their order: 100–200 ms for a phrase of
two common words. Each pair of neighbouring terms of the title, of the summary and body,
and of the extra terms (as FTS5 sees them: a phrase does not run from one column into the
next) is a lexeme "a b" of `phrase_vector`, with a GIN index: a two-word phrase is one
lookup, a longer one the rows holding all its pairs, whose order is then checked in the
few rows left (see backends.postgresql). `search_pairs` makes the vector from the entry's
texts (terms joined by single spaces); the row trigger and `nashr search reindex` use it.

A date range was a filter on the rows' dates: every match of a common word in the range
was read from the table, after GIN had decoded the word's whole list of rows (43,000 of
100,000 for "a"). The date's terms (`:d202`, `:y2023`, `:m202310`, as FTS5's facets on
SQLite; the colon keeps them apart from any word) in the vector let one GIN scan AND the
word with the months of the range, skipping through the word's list. Nothing changes on
SQLite.
"""

from importlib import import_module

from django.db import migrations

PAIRS_FUNCTION = """CREATE OR REPLACE FUNCTION search_pairs(title text, body text, extra text)
    RETURNS tsvector IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
    SELECT array_to_tsvector(ARRAY(
        SELECT pair.a || ' ' || pair.b
        FROM unnest(ARRAY[title, body, extra]) AS field(text),
            LATERAL (SELECT string_to_array(field.text, ' ') AS terms) AS split,
            LATERAL unnest(split.terms[1:cardinality(split.terms) - 1],
                           split.terms[2:cardinality(split.terms)]) AS pair(a, b)
        WHERE pair.a <> '' AND pair.b <> ''))
$$"""

DATE_FUNCTION = """CREATE OR REPLACE FUNCTION search_date_lexemes(day date)
    RETURNS tsvector IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
    SELECT array_to_tsvector(ARRAY[
        ':d' || (extract(year FROM day)::int / 10)::text,
        ':y' || extract(year FROM day)::int::text,
        ':m' || extract(year FROM day)::int::text
            || lpad(extract(month FROM day)::int::text, 2, '0')])
$$"""

# The weighted vector of an entry's texts, with its date's terms: the row trigger's and
# `nashr search reindex`'s (backends.postgresql.REBUILD).
VECTOR_FUNCTION = """CREATE OR REPLACE FUNCTION search_vector_of(
        title text, body text, extra text, day date
    ) RETURNS tsvector IMMUTABLE PARALLEL SAFE LANGUAGE sql AS $$
    SELECT setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'B')
        || setweight(to_tsvector('simple'::regconfig, extra), 'D')
        || search_date_lexemes(day)
$$"""

ROW_FUNCTION = """CREATE OR REPLACE FUNCTION search_vector_row() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
        IF current_setting('nashr.search_bulk', true) = 'on' THEN
            RETURN NULL;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            DELETE FROM search_vector WHERE publication_id = OLD.publication_id;
        END IF;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        INSERT INTO search_vector VALUES (
            NEW.publication_id, NEW.language, NEW.kind_id, NEW.date,
            search_vector_of(NEW.title, NEW.body, NEW.extra, NEW.date),
            to_tsvector('simple'::regconfig, NEW.title),
            search_pairs(NEW.title, NEW.body, NEW.extra)
        );
        RETURN NEW;
    END $$"""

# Migration 0003's row trigger function, put back by the way back.
OLD_ROW_FUNCTION = next(
    statement
    for statement in import_module(
        "nashr.search.migrations.0003_postgresql_narrow_table"
    ).POSTGRESQL_FORWARD
    if statement.startswith("CREATE FUNCTION search_vector_row()")
).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1)

POSTGRESQL_FORWARD = [
    PAIRS_FUNCTION,
    DATE_FUNCTION,
    VECTOR_FUNCTION,
    "ALTER TABLE search_vector ADD COLUMN phrase_vector tsvector",
    """UPDATE search_vector v SET phrase_vector = search_pairs(e.title, e.body, e.extra),
        vector = v.vector || search_date_lexemes(v.date)
        FROM search_searchentry e WHERE e.publication_id = v.publication_id""",
    "ALTER TABLE search_vector ALTER COLUMN phrase_vector SET NOT NULL",
    ROW_FUNCTION,
    "CREATE INDEX search_vector_phrase_gin ON search_vector USING gin (phrase_vector)",
    "ANALYZE search_vector",
]
POSTGRESQL_BACKWARD = [
    OLD_ROW_FUNCTION,
    """UPDATE search_vector SET vector =
        ts_delete(vector, tsvector_to_array(search_date_lexemes(date)))""",
    "DROP FUNCTION IF EXISTS search_vector_of(text, text, text, date)",
    "DROP FUNCTION IF EXISTS search_date_lexemes(date)",
    "DROP INDEX IF EXISTS search_vector_phrase_gin",
    "ALTER TABLE search_vector DROP COLUMN IF EXISTS phrase_vector",
    "DROP FUNCTION IF EXISTS search_pairs(text, text, text)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0003_postgresql_narrow_table")]

    operations = [migrations.RunPython(_run(POSTGRESQL_FORWARD), _run(POSTGRESQL_BACKWARD))]
