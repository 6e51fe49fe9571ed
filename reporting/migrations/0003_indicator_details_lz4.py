"""Indicator values' details compressed with lz4 on PostgreSQL.

Every computation run rewrites the details of the values it covers (about 100 MB of JSON for
a province's nightly run), and the province view, the dashboard and the explain pages read
them back; PostgreSQL's default pglz compressor took a large share of the nightly recompute
(measured with ``make bench``: 14.9 → 10.9 s in one process). lz4 compresses and decompresses
several times faster. Existing rows keep their compression until a run rewrites them. A server
built without lz4 keeps pglz; other databases have no such setting.
"""

from django.db import migrations

TABLE = "reporting_indicatorvalue"


def _set_compression(method: str):
    def apply(apps, schema_editor):
        connection = schema_editor.connection
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT %s = ANY(enumvals) FROM pg_settings"
                " WHERE name = 'default_toast_compression'",
                [method],
            )
            row = cursor.fetchone()
            if not row or not row[0]:
                return
            column = schema_editor.quote_name("details")
            cursor.execute(
                f"ALTER TABLE {schema_editor.quote_name(TABLE)} "
                f"ALTER COLUMN {column} SET COMPRESSION {method}"
            )

    return apply


class Migration(migrations.Migration):
    dependencies = [("reporting", "0002_quarterly_reports")]

    operations = [
        migrations.RunPython(_set_compression("lz4"), _set_compression("pglz"), elidable=False)
    ]
