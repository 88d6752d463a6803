"""Full-text search of posts: an FTS5 table on SQLite, a GIN index on to_tsvector on PostgreSQL.

Both are created by vendor (see `kith.conversations.search`); other databases get nothing.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE conversations_post_fts USING fts5("
    "body, tokenize = 'unicode61 remove_diacritics 2')",
    "INSERT INTO conversations_post_fts (rowid, body) SELECT id, body FROM conversations_post "
    "WHERE deleted_at IS NULL AND repost_of_id IS NULL AND body != ''",
]
SQLITE_BACKWARD = ["DROP TABLE IF EXISTS conversations_post_fts"]
POSTGRES_FORWARD = [
    "CREATE INDEX conversations_post_body_fts ON conversations_post "
    "USING GIN (to_tsvector('simple'::regconfig, body))"
]
POSTGRES_BACKWARD = ["DROP INDEX IF EXISTS conversations_post_body_fts"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("conversations", "0002_links_media")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRES_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRES_BACKWARD}),
        )
    ]
