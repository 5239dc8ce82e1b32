"""PostgreSQL: the vectors move to a narrow table of their own, with the filter columns.

The entry table holds the normalized text of every publication: wide rows, their vector
stored out of line. Searching it read a long row (and often its TOASTed vector) for each
match. `search_vector` holds only what a search reads: the publication's id, language,
kind and date, the weighted vector of the whole text, and the vector of the title alone
(a capped search looks for title matches over the whole index, see
backends.postgresql), each with a GIN index. Triggers keep it in step with the entries in
the same transaction, as the FTS5 triggers do on SQLite; TRUNCATE (Django's test flush)
empties it too. Nothing changes on SQLite.
"""

from django.db import migrations

POSTGRESQL_FORWARD = [
    "DROP INDEX IF EXISTS search_entry_vector",
    "ALTER TABLE search_searchentry DROP COLUMN IF EXISTS vector",
    """CREATE TABLE search_vector (
        publication_id bigint PRIMARY KEY,
        language varchar(8) NOT NULL,
        kind_id bigint NOT NULL,
        date date NOT NULL,
        vector tsvector NOT NULL,
        title_vector tsvector NOT NULL
    )""",
    # `nashr search reindex` sets nashr.search_bulk for its transaction (SET LOCAL) and
    # rebuilds the table at the end in one statement.
    """CREATE FUNCTION search_vector_row() RETURNS trigger LANGUAGE plpgsql AS $$
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
            setweight(to_tsvector('simple'::regconfig, NEW.title), 'A')
            || setweight(to_tsvector('simple'::regconfig, NEW.body), 'B')
            || setweight(to_tsvector('simple'::regconfig, NEW.extra), 'D'),
            to_tsvector('simple'::regconfig, NEW.title)
        );
        RETURN NEW;
    END $$""",
    """CREATE FUNCTION search_vector_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        TRUNCATE search_vector;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER search_vector_row AFTER INSERT OR UPDATE OR DELETE ON search_searchentry
        FOR EACH ROW EXECUTE FUNCTION search_vector_row()""",
    """CREATE TRIGGER search_vector_truncate AFTER TRUNCATE ON search_searchentry
        FOR EACH STATEMENT EXECUTE FUNCTION search_vector_truncate()""",
    """INSERT INTO search_vector
        SELECT publication_id, language, kind_id, date,
            setweight(to_tsvector('simple'::regconfig, title), 'A')
            || setweight(to_tsvector('simple'::regconfig, body), 'B')
            || setweight(to_tsvector('simple'::regconfig, extra), 'D'),
            to_tsvector('simple'::regconfig, title)
        FROM search_searchentry""",
    "CREATE INDEX search_vector_gin ON search_vector USING gin (vector)",
    "CREATE INDEX search_vector_title_gin ON search_vector USING gin (title_vector)",
    # A date range is a narrow filter (two years of twenty-five): the planner combines
    # this index with the GIN index's matches (BitmapAnd) instead of walking the newest.
    "CREATE INDEX search_vector_date ON search_vector (date)",
    "ANALYZE search_vector",
]
POSTGRESQL_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_vector_truncate ON search_searchentry",
    "DROP TRIGGER IF EXISTS search_vector_row ON search_searchentry",
    "DROP FUNCTION IF EXISTS search_vector_truncate()",
    "DROP FUNCTION IF EXISTS search_vector_row()",
    "DROP TABLE IF EXISTS search_vector",
    """ALTER TABLE search_searchentry ADD COLUMN vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple'::regconfig, title), 'A')
        || setweight(to_tsvector('simple'::regconfig, body), 'B')
        || setweight(to_tsvector('simple'::regconfig, extra), 'D')
    ) STORED""",
    "CREATE INDEX search_entry_vector ON search_searchentry USING gin (vector)",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0002_engine_index")]

    operations = [migrations.RunPython(_run(POSTGRESQL_FORWARD), _run(POSTGRESQL_BACKWARD))]
