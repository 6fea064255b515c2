"""Full-text search on PostgreSQL: a stored search vector per searchable table, GIN-indexed.

Each table gets a column `search_vector`, GENERATED ALWAYS AS the weighted vector that
meetings/search.py describes for its kind (title fields weight A, body fields weight B, English
configuration), STORED, so that ranking reads the vector instead of re-parsing the text of every
match; and a GIN index on it. PostgreSQL keeps the column up to date on every insert and update,
bulk ones included. (Migration 0013 replaced these columns by model fields.)

A later migration that changes the type of one of these source columns (a longer max_length) must
drop the column first and add it again with this migration's SQL: PostgreSQL refuses to alter a
column that a generated column uses, loudly, at migrate time. The test
tests/meetings/test_search.py::test_the_stored_vectors_are_the_kinds_vectors fails if the SQL
below and search.KINDS drift apart.
"""

from django.db import migrations

# table: (title columns weighted A, body columns weighted B)
VECTORS = {
    "meetings_meeting": (["title"], ["summary"]),
    "meetings_programme": (["title"], ["background", "focus"]),
    "meetings_session": (["title"], ["purpose", "questions_intro"]),
    "meetings_discussionquestion": ([], ["text"]),
    "meetings_action": (["title"], ["text"]),
    "meetings_workplan": (
        ["title", "subtitle"],
        ["background", "objectives", "activities", "expected_outputs", "budget_and_partners"],
    ),
    "meetings_newspost": (["title"], ["body"]),
    "meetings_document": (["title", "symbol"], []),
}


def _weighted(columns, weight):
    text = " || ' ' || ".join(f'coalesce("{column}", \'\')' for column in columns)
    return f"setweight(to_tsvector('english', {text}), '{weight}')"


def _vector(table):
    title_columns, body_columns = VECTORS[table]
    parts = []
    if title_columns:
        parts.append(_weighted(title_columns, "A"))
    if body_columns:
        parts.append(_weighted(body_columns, "B"))
    return " || ".join(parts)


def create(apps, schema_editor):
    for table in VECTORS:
        schema_editor.execute(
            f'ALTER TABLE "{table}" ADD COLUMN search_vector tsvector '
            f"GENERATED ALWAYS AS ({_vector(table)}) STORED"
        )
        name = table.removeprefix("meetings_")
        schema_editor.execute(f'CREATE INDEX "search_{name}" ON "{table}" USING gin (search_vector)')


def drop(apps, schema_editor):
    for table in VECTORS:
        schema_editor.execute(f'ALTER TABLE "{table}" DROP COLUMN search_vector')  # and its index


class Migration(migrations.Migration):
    dependencies = [("meetings", "0006_editors_publish_revisions")]

    operations = [migrations.RunPython(create, drop)]
