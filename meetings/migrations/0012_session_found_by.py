"""Search on PostgreSQL: a session is found by one indexed vector holding its own words and
those of its discussion questions and of the actions it serves.

Before, a session matched through three subqueries (its own vector, its questions', its
actions'), and only its own words counted in its rank: a session found by its questions ranked
as if it matched nothing. Now:

- `related_words` (tsvector, weight C): the words of the session's questions and of the title
  and text of each action it serves. Kept by database triggers (meetings/db_triggers.py) on
  every write to questions, to the session-action links and to actions; filled here once.
- `found_by`, GENERATED ALWAYS AS the session's own vector (the same SQL as migration 0007's
  `search_vector`) || `related_words`, STORED, with a GIN index. The search matches and ranks
  on it.

The GIN index of the session's own `search_vector` is dropped: nothing searches it any more.
(Migration 0013 replaced both by model fields.)
"""

from django.db import migrations

OWN = (
    "setweight(to_tsvector('english', coalesce(\"title\", '')), 'A') || "
    "setweight(to_tsvector('english', coalesce(\"purpose\", '') || ' ' || "
    "coalesce(\"questions_intro\", '')), 'B')"
)

# The same words as meetings_session_related_words() in meetings/db_triggers.py.
FILL = """
    UPDATE meetings_session s SET related_words =
        setweight(to_tsvector('english', coalesce((
            SELECT string_agg(q.text, ' ' ORDER BY q.id) FROM meetings_discussionquestion q
            WHERE q.session_id = s.id), '')), 'C')
        || setweight(to_tsvector('english', coalesce((
            SELECT string_agg(
                coalesce(a.title, '') || ' ' || coalesce(a.text, ''), ' ' ORDER BY a.id)
            FROM meetings_session_actions l JOIN meetings_action a ON a.id = l.action_id
            WHERE l.session_id = s.id), '')), 'C')
"""


# The triggers meetings/db_triggers.py installs to keep `related_words`, by table and event.
TRIGGERS = {
    "meetings_discussionquestion": ["insert", "update", "delete"],
    "meetings_session_actions": ["insert", "update", "delete"],
    "meetings_action": ["update"],
}


def create(apps, schema_editor):
    schema_editor.execute(
        "ALTER TABLE meetings_session ADD COLUMN related_words tsvector NOT NULL DEFAULT ''"
    )
    schema_editor.execute(FILL)
    schema_editor.execute(
        "ALTER TABLE meetings_session ADD COLUMN found_by tsvector "
        f"GENERATED ALWAYS AS ({OWN} || related_words) STORED"
    )
    schema_editor.execute("CREATE INDEX search_session_found_by ON meetings_session USING gin (found_by)")
    schema_editor.execute("DROP INDEX search_session")


def drop(apps, schema_editor):
    for table, events in TRIGGERS.items():  # they write the column dropped below
        for event in events:
            schema_editor.execute(f"DROP TRIGGER IF EXISTS refreshes_session_words_{event} ON {table}")
            schema_editor.execute(f"DROP FUNCTION IF EXISTS {table}_{event}_refreshes_session_words()")
    schema_editor.execute("DROP FUNCTION IF EXISTS meetings_session_related_words(bigint)")
    schema_editor.execute("ALTER TABLE meetings_session DROP COLUMN found_by")  # and its index
    schema_editor.execute("ALTER TABLE meetings_session DROP COLUMN related_words")
    schema_editor.execute("CREATE INDEX search_session ON meetings_session USING gin (search_vector)")


class Migration(migrations.Migration):
    dependencies = [("meetings", "0011_meeting_versions")]

    operations = [migrations.RunPython(create, drop)]
