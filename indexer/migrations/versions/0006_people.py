"""Person-name search index over entries, document fields and page text (issue 6).

``people``: one row per person a source names, with the name's exact, folded and skeleton keys
(``indexer.people.keys``), birth date/year, register type and year, commune and the parents'
names; B-tree indexes serve the exact, folded and (given, surname, year, middle) lookups.
``people_tokens``: the distinct surname/middle/given skeleton tokens (the vocabulary fuzzy queries
are corrected against); ``people_names``: the distinct (given, surname, middle) skeleton names
with their counts (what the OCR-tolerant tiers enumerate). A word index of the skeleton name and
birth year serves "every word, any order": FTS5 ``people_fts`` on SQLite, a GIN ``to_tsvector``
index on PostgreSQL; it also holds ``filter_words`` (the parents' names, register type and year,
commune as prefixed words), so a query whose filters select few people starts from them.

Also, on PostgreSQL only, an index of the word pairs (bigrams) of ``pages.text_folded`` so that a
full-text phrase is found without re-reading every page that merely contains its words
(``indexer.search``); SQLite's FTS5 index has word positions already.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source_type", sa.String(30), nullable=False),
        sa.Column("source_id", sa.Integer, nullable=False),
        sa.Column("source_seq", sa.Integer, nullable=False),
        sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id")),
        sa.Column("page_id", sa.Integer, sa.ForeignKey("pages.id")),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("name_exact", sa.String(200), nullable=False),
        sa.Column("name_fold", sa.String(200), nullable=False),
        sa.Column("name_skel", sa.String(200), nullable=False),
        sa.Column("sur_skel", sa.String(60), nullable=False),
        sa.Column("mid_skel", sa.String(120), nullable=False),
        sa.Column("given_skel", sa.String(60), nullable=False),
        sa.Column("birth_date", sa.Date),
        sa.Column("birth_year", sa.Integer),
        sa.Column("register_type", sa.String(30)),
        sa.Column("reg_year", sa.Integer),
        sa.Column("commune", sa.String(120)),
        sa.Column("commune_key", sa.String(120)),
        sa.Column("mother_name", sa.String(200)),
        sa.Column("mother_skel", sa.String(200)),
        sa.Column("father_name", sa.String(200)),
        sa.Column("father_skel", sa.String(200)),
        sa.Column("filter_words", sa.Text),
    )
    op.create_index("ix_people_exact", "people", ["name_exact", "birth_year"])
    op.create_index("ix_people_fold", "people", ["name_fold", "birth_year"])
    op.create_index("ix_people_given_sur", "people", ["given_skel", "sur_skel", "birth_year", "mid_skel"])
    op.create_index("ix_people_given_year", "people", ["given_skel", "birth_year"])
    op.create_index("ix_people_source", "people", ["source_type", "source_id"])
    op.create_index("ix_people_document", "people", ["document_id"])
    op.create_table(
        "people_tokens",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("pos", sa.String(1), nullable=False),
        sa.Column("token", sa.String(60), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.UniqueConstraint("pos", "token", name="uq_people_tokens_pos_token"),
    )
    op.create_table(
        "people_names",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("given_skel", sa.String(60), nullable=False),
        sa.Column("sur_skel", sa.String(60), nullable=False),
        sa.Column("mid_skel", sa.String(120), nullable=False),
        sa.Column("n", sa.Integer, nullable=False),
        sa.UniqueConstraint("given_skel", "sur_skel", "mid_skel", name="uq_people_names_key"),
    )
    if op.get_bind().dialect.name == "sqlite":
        for sql in SQLITE_FTS:
            op.execute(sql)
    else:
        for sql in POSTGRES_EXTRAS:
            op.execute(sql)


SQLITE_FTS = (
    "CREATE VIRTUAL TABLE people_fts USING fts5(name_skel, birth_year, filter_words, content='people', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', detail='none')",
    "CREATE TRIGGER people_fts_ai AFTER INSERT ON people BEGIN "
    "INSERT INTO people_fts(rowid, name_skel, birth_year, filter_words) "
    "VALUES (new.id, new.name_skel, new.birth_year, new.filter_words); END",
    "CREATE TRIGGER people_fts_ad AFTER DELETE ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, name_skel, birth_year, filter_words) "
    "VALUES ('delete', old.id, old.name_skel, old.birth_year, old.filter_words); END",
    "CREATE TRIGGER people_fts_au AFTER UPDATE OF name_skel, birth_year, filter_words ON people BEGIN "
    "INSERT INTO people_fts(people_fts, rowid, name_skel, birth_year, filter_words) "
    "VALUES ('delete', old.id, old.name_skel, old.birth_year, old.filter_words); "
    "INSERT INTO people_fts(rowid, name_skel, birth_year, filter_words) "
    "VALUES (new.id, new.name_skel, new.birth_year, new.filter_words); END",
)

POSTGRES_EXTRAS = (
    "CREATE INDEX ix_people_name_tsv ON people USING gin "
    "(to_tsvector('simple', name_skel || coalesce(' y' || birth_year::text, '') || coalesce(' ' || filter_words, '')))",
    # "nguyen van an" → lexemes nguyen0van, van0an ('0' joins two words; [a-z0-9] are the words).
    """CREATE OR REPLACE FUNCTION sohoa_bigrams(t text) RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT to_tsvector('simple', array_to_string(ARRAY(
    SELECT x || '0' || y FROM unnest(w[1:cardinality(w) - 1], w[2:cardinality(w)]) AS u(x, y)
    WHERE x <> '' AND y <> ''), ' '))
  FROM regexp_split_to_array(coalesce(t, ''), '[^a-z0-9]+') AS w
$$""",
    "CREATE INDEX ix_pages_text_bigrams ON pages USING gin (sohoa_bigrams(text_folded))",
)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in ("people_fts_ai", "people_fts_ad", "people_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS people_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_pages_text_bigrams")
        op.execute("DROP FUNCTION IF EXISTS sohoa_bigrams(text)")
        op.execute("DROP INDEX IF EXISTS ix_people_name_tsv")
    op.drop_table("people_names")
    op.drop_table("people_tokens")
    for ix in ("ix_people_document", "ix_people_source", "ix_people_given_year", "ix_people_given_sur",
               "ix_people_fold", "ix_people_exact"):
        op.drop_index(ix, table_name="people")
    op.drop_table("people")
