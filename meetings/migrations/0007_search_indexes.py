"""GIN indexes for the site search on PostgreSQL (nothing on SQLite, which has no such index).

Each index holds the search vector that meetings/search.py builds for its kind: the same
fields, weights and text-search configuration, so PostgreSQL can use it for `vector @@ query`.
The expressions are written out here, frozen, as a migration must be; the test
tests/meetings/test_search.py::test_postgresql_uses_each_kinds_index fails if the two drift.
They are not in the models' Meta.indexes because SQLite cannot create them.
"""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

CONFIG = "english"

# model: (title fields weighted A, body fields weighted B)
VECTORS = {
    "meeting": (("title",), ("summary",)),
    "programme": (("title",), ("background", "focus")),
    "session": (("title",), ("purpose", "questions_intro")),
    "discussionquestion": ((), ("text",)),
    "action": (("title",), ("text",)),
    "workplan": (
        ("title", "subtitle"),
        ("background", "objectives", "activities", "expected_outputs", "budget_and_partners"),
    ),
    "newspost": (("title",), ("body",)),
    "document": (("title", "symbol"), ()),
}


def _index(model_name):
    title_fields, body_fields = VECTORS[model_name]
    parts = []
    if title_fields:
        parts.append(SearchVector(*title_fields, weight="A", config=CONFIG))
    if body_fields:
        parts.append(SearchVector(*body_fields, weight="B", config=CONFIG))
    vector = parts[0] if len(parts) == 1 else parts[0] + parts[1]
    return GinIndex(vector, name=f"search_{model_name}")


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in VECTORS:
        schema_editor.add_index(apps.get_model("meetings", model_name), _index(model_name))


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for model_name in VECTORS:
        schema_editor.remove_index(apps.get_model("meetings", model_name), _index(model_name))


class Migration(migrations.Migration):
    dependencies = [("meetings", "0006_editors_publish_revisions")]

    operations = [migrations.RunPython(create_indexes, drop_indexes)]
