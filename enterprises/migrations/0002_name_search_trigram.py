"""Trigram index for the accent-free name search on PostgreSQL.

``name_search__contains`` is a LIKE '%…%' query: a plain B-tree cannot serve it, a pg_trgm GIN
index can. SQLite (the embedded default) runs the same query without the index.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS enterprises_name_search_trgm "
        "ON enterprises_enterprise USING gin (name_search gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS enterprises_name_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0001_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
