"""Trigram indexes for the admin's session search, which looks for each word anywhere in a
session's title, purpose or questions (icontains: UPPER(column) LIKE '%WORD%'): found through
these, not by reading every session and question of the archive.

Written in SQL: Django renders a GinIndex of OpClass(Upper(...)) with parentheses PostgreSQL
refuses, so the models do not declare them."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = {
    "session_title_trgm": ("meetings_session", "title"),
    "session_purpose_trgm": ("meetings_session", "purpose"),
    "question_text_trgm": ("meetings_discussionquestion", "text"),
}


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0030_notices_by_email"),
    ]

    operations = [
        TrigramExtension(),
        *(
            migrations.RunSQL(
                f'CREATE INDEX "{name}" ON "{table}" USING gin ((UPPER("{column}"::text)) gin_trgm_ops)',
                f'DROP INDEX IF EXISTS "{name}"',
            )
            for name, (table, column) in INDEXES.items()
        ),
    ]
