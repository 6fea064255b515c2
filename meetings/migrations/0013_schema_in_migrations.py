"""The schema that lived outside the migrations, declared here: every trigger, and the search
vectors as model fields. After this migration `sqlmigrate` shows every trigger, and nothing is
installed after `migrate` any more.

1. The triggers that meetings/db_triggers.py installed after every `migrate` go, with the
   advisory lock that made every content write of the site wait its turn, and the search
   columns that migrations 0007 and 0012 added outside Django's knowledge.
2. The content's generations (meetings/models/caching.py) replace the single ContentVersion
   row, which every writer locked: a write inside a meeting bumps that meeting's row, a write
   to another content table that table's row. Statement triggers, after each statement.
3. Each searchable model's `search_vector` is a GeneratedField with a GIN index; a session's
   holds the words of its questions too (`question_words`, kept by triggers on questions and
   on the session itself). The words of the actions a session serves are no longer copied into
   it: search matches them where they are (meetings/search.py), so saving an action rewrites
   no session.
4. "A session's day lies within its meeting's dates" spans three tables: kept by row triggers
   on sessions, programmes and meetings, as before.

The SQL is written out here for the tables of this migration. A later migration that adds a
content model adds its triggers too; tests/meetings/caching/test_generations.py fails for a
content table without them.
"""

import importlib

import django.contrib.postgres.indexes
import django.contrib.postgres.search
import django.db.models.deletion
from django.db import migrations, models

# -- 1. what db_triggers.py installed, and the columns of 0007 and 0012 --------------------------

# Dropping a function drops the triggers that run it (CASCADE).
OLD_FUNCTIONS = [
    "meetings_lock_content_writes()",
    "meetings_bump_content_version()",
    "meetings_session_related_words(bigint)",
    "meetings_session_in_meeting_ins_fn()",
    "meetings_session_in_meeting_upd_fn()",
    "meetings_programme_move_upd_fn()",
    "meetings_meeting_dates_upd_fn()",
    *(
        f"{table}_{event}_bumps_meetings()"
        for table in [
            "meetings_meeting",
            "meetings_programme",
            "meetings_programme_convened_by",
            "meetings_programmerevision",
            "meetings_session",
            "meetings_session_actions",
            "meetings_presentation",
            "meetings_discussionquestion",
            "meetings_presentation_presenters",
            "meetings_presentation_organisations",
        ]
        for event in ("insert", "update", "delete")
    ),
    *(
        f"{table}_{event}_refreshes_session_words()"
        for table, events in [
            ("meetings_discussionquestion", ("insert", "update", "delete")),
            ("meetings_session_actions", ("insert", "update", "delete")),
            ("meetings_action", ("update",)),
        ]
        for event in events
    ),
]
SEARCHED_TABLES = [
    "meetings_meeting",
    "meetings_programme",
    "meetings_session",
    "meetings_discussionquestion",
    "meetings_action",
    "meetings_workplan",
    "meetings_newspost",
    "meetings_document",
]


def drop_outside_schema(apps, schema_editor):
    for function in OLD_FUNCTIONS:
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {function} CASCADE")
    schema_editor.execute("ALTER TABLE meetings_session DROP COLUMN IF EXISTS found_by")
    schema_editor.execute("ALTER TABLE meetings_session DROP COLUMN IF EXISTS related_words")
    for table in SEARCHED_TABLES:  # their indexes go with them
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


def restore_outside_schema(apps, schema_editor):
    """Going back: the columns as 0007 and 0012 made them (the code of that time installs its
    triggers again after its `migrate`)."""
    importlib.import_module("meetings.migrations.0007_search_indexes").create(apps, schema_editor)
    # 0007 rewrote the tables in this transaction: the foreign keys of every row 0012 updates
    # are checked at once, not at commit, so that 0012 may alter the table after its update.
    schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    importlib.import_module("meetings.migrations.0012_session_found_by").create(apps, schema_editor)
    schema_editor.execute("SET CONSTRAINTS ALL DEFERRED")


# -- 2. generations ------------------------------------------------------------------------------

MEETING_GENERATION = "meetings_meetinggeneration"
SHARED_GENERATION = "meetings_sharedgeneration"

# The tables inside a meeting: for each, the column of its rows that leads to the meeting and
# the joins that follow it there, as SQL over `r.key` (that column) giving `meeting_id`.
_TO_PROGRAMME = "JOIN meetings_programme p ON p.id = r.key"
_SESSION_TO_PROGRAMME = "JOIN meetings_programme p ON p.id = s.programme_id"
_TO_SESSION = f"JOIN meetings_session s ON s.id = r.key {_SESSION_TO_PROGRAMME}"
_TO_PRESENTATION = (
    "JOIN meetings_presentation pr ON pr.id = r.key "
    f"JOIN meetings_session s ON s.id = pr.session_id {_SESSION_TO_PROGRAMME}"
)
MEETING_TABLES = {
    "meetings_meeting": ("id", "", "r.key"),
    "meetings_programme": ("meeting_id", "", "r.key"),
    "meetings_programme_convened_by": ("programme_id", _TO_PROGRAMME, "p.meeting_id"),
    "meetings_programmerevision": ("programme_id", _TO_PROGRAMME, "p.meeting_id"),
    "meetings_session": ("programme_id", _TO_PROGRAMME, "p.meeting_id"),
    "meetings_session_actions": ("session_id", _TO_SESSION, "p.meeting_id"),
    "meetings_presentation": ("session_id", _TO_SESSION, "p.meeting_id"),
    "meetings_discussionquestion": ("session_id", _TO_SESSION, "p.meeting_id"),
    "meetings_presentation_presenters": ("presentation_id", _TO_PRESENTATION, "p.meeting_id"),
    "meetings_presentation_organisations": ("presentation_id", _TO_PRESENTATION, "p.meeting_id"),
}
# Every other content table: its rows are shown on pages of every meeting.
SHARED_TABLES = [
    "meetings_convention",
    "meetings_state",
    "meetings_organisation",
    "meetings_person",
    "meetings_venue",
    "meetings_room",
    "meetings_actionplan",
    "meetings_action",
    "meetings_document",
    "meetings_mandate",
    "meetings_workplan",
    "meetings_workplan_coordinators",
    "meetings_workplan_actions",
    "meetings_milestone",
    "meetings_activity",
    "meetings_activity_coordinators",
    "meetings_activity_actions",
    "meetings_obligation",
    "meetings_newscategory",
    "meetings_newspost",
    "meetings_newspost_categories",
]
# Which rows of a write lead to the meetings it touches: those before it, after it, or both.
ROWS_OF = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}


def _statement_trigger(table, event, purpose, body):
    """(SQL, reverse SQL) of a trigger on `table` running `body` once per `event` statement,
    with the statement's rows before and/or after it as `old_rows` and `new_rows`. Each has a
    function of its own: PostgreSQL gives transition tables to a trigger of one event only."""
    name = f"{purpose}_{event.lower()}"
    function = f"{table}_{name}"
    references = " ".join(f"{image} TABLE AS {image.lower()}_rows" for image in ROWS_OF[event])
    sql = [
        f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body}; RETURN NULL; END $$",
        f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {references} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
    ]
    return sql, [f"DROP FUNCTION {function}() CASCADE"]


def _bump_meetings(table, rows):
    """SQL bumping the generation of each meeting that `rows` (a relation with a `key` column)
    belong to, in the order of their ids, so that two writers lock them in the same order."""
    _, joins, meeting_id = MEETING_TABLES[table]
    return (
        f"INSERT INTO {MEETING_GENERATION} (meeting_id, number) "
        f"SELECT DISTINCT {meeting_id}, 1 FROM {rows} r {joins} WHERE {meeting_id} IS NOT NULL "
        f"ORDER BY 1 ON CONFLICT (meeting_id) DO UPDATE SET number = "
        f"{MEETING_GENERATION}.number + 1"
    )


def generation_triggers():
    sql = [
        # A write to a table outside any meeting bumps that table's count.
        "CREATE FUNCTION meetings_bump_shared_generation() RETURNS trigger LANGUAGE plpgsql "
        f"AS $$ BEGIN INSERT INTO {SHARED_GENERATION} (\"table\", number) "
        "VALUES (TG_TABLE_NAME, 1) ON CONFLICT (\"table\") DO UPDATE SET number = "
        f"{SHARED_GENERATION}.number + 1; RETURN NULL; END $$",
        # A TRUNCATE inside meetings has no rows to follow: it counts as a change to them all.
        "CREATE FUNCTION meetings_bump_every_meeting_generation() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN UPDATE {MEETING_GENERATION} SET number = number + 1; "
        "RETURN NULL; END $$",
    ]
    reverse = [
        "DROP FUNCTION meetings_bump_shared_generation() CASCADE",
        "DROP FUNCTION meetings_bump_every_meeting_generation() CASCADE",
    ]
    for table in SHARED_TABLES:
        sql.append(
            f"CREATE TRIGGER bumps_shared_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION meetings_bump_shared_generation()"
        )
    for table, (column, _, _) in MEETING_TABLES.items():
        sql.append(
            f"CREATE TRIGGER bumps_every_meeting_generation AFTER TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION meetings_bump_every_meeting_generation()"
        )
        for event, images in ROWS_OF.items():
            rows = " UNION ".join(f"SELECT {column} AS key FROM {image.lower()}_rows" for image in images)
            bumps = _bump_meetings(table, f"({rows})")
            forward, backward = _statement_trigger(table, event, "bumps_meetings", bumps)
            sql += forward
            reverse += backward
    return sql, reverse


# -- 3. the words of a session's questions -------------------------------------------------------

QUESTION_WORDS = """
    CREATE FUNCTION meetings_question_words(session bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(string_agg(q.text, ' ' ORDER BY q.id), '')), 'C')
        FROM meetings_discussionquestion q WHERE q.session_id = session
    $$
"""
# Every write to a session takes its questions' words as they are (a save that carries stale
# words, or none, cannot leave them wrong)...
SESSION_KEEPS_ITS_QUESTION_WORDS = [
    "CREATE FUNCTION meetings_session_question_words() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN NEW.question_words := meetings_question_words(NEW.id); RETURN NEW; END $$",
    "CREATE TRIGGER takes_question_words BEFORE INSERT OR UPDATE ON meetings_session "
    "FOR EACH ROW EXECUTE FUNCTION meetings_session_question_words()",
]
# ...and every write to questions refreshes the sessions whose words it changes. An update
# counts only where the text or the session changed: an admin save writes every column.
_CHANGED_QUESTIONS = (
    "old_rows o JOIN new_rows n ON n.id = o.id "
    "WHERE (o.session_id, o.text) IS DISTINCT FROM (n.session_id, n.text)"
)
QUESTIONS_TOUCHED = {
    "INSERT": "SELECT session_id FROM new_rows",
    "UPDATE": (
        f"SELECT o.session_id FROM {_CHANGED_QUESTIONS} "
        f"UNION SELECT n.session_id FROM {_CHANGED_QUESTIONS}"
    ),
    "DELETE": "SELECT session_id FROM old_rows",
}


def question_words_triggers():
    sql = [QUESTION_WORDS, *SESSION_KEEPS_ITS_QUESTION_WORDS]
    reverse = [
        "DROP FUNCTION meetings_session_question_words() CASCADE",
        "DROP FUNCTION meetings_question_words(bigint) CASCADE",
    ]
    for event, touched in QUESTIONS_TOUCHED.items():
        refresh = (
            "UPDATE meetings_session SET question_words = meetings_question_words(id) "
            f"WHERE id IN ({touched})"
        )
        forward, backward = _statement_trigger(
            "meetings_discussionquestion", event, "refreshes_question_words", refresh
        )
        sql += forward
        reverse = backward + reverse
    # The sessions there are already.
    sql.append("UPDATE meetings_session SET question_words = meetings_question_words(id)")
    return sql, reverse


# -- 4. a session's day within its meeting's dates ------------------------------------------------

MESSAGE = "session day outside the dates of its meeting"
_SESSION_OUTSIDE = (
    "EXISTS (SELECT 1 FROM meetings_programme p JOIN meetings_meeting m ON m.id = p.meeting_id "
    "WHERE p.id = NEW.programme_id AND (NEW.date < m.start_date OR NEW.date > m.end_date))"
)
_PROGRAMME_OUTSIDE = (
    "EXISTS (SELECT 1 FROM meetings_session s JOIN meetings_meeting m ON m.id = NEW.meeting_id "
    "WHERE s.programme_id = NEW.id AND (s.date < m.start_date OR s.date > m.end_date))"
)
_MEETING_OUTSIDE = (
    "EXISTS (SELECT 1 FROM meetings_session s JOIN meetings_programme p ON p.id = s.programme_id "
    "WHERE p.meeting_id = NEW.id AND (s.date < NEW.start_date OR s.date > NEW.end_date))"
)
DATE_CHECKS = [
    ("meetings_session_in_meeting_ins", "meetings_session", "INSERT", _SESSION_OUTSIDE),
    ("meetings_session_in_meeting_upd", "meetings_session", "UPDATE OF date, programme_id", _SESSION_OUTSIDE),
    ("meetings_programme_move_upd", "meetings_programme", "UPDATE OF meeting_id", _PROGRAMME_OUTSIDE),
    ("meetings_meeting_dates_upd", "meetings_meeting", "UPDATE OF start_date, end_date", _MEETING_OUTSIDE),
]


def date_check_triggers():
    sql, reverse = [], []
    for name, table, event, condition in DATE_CHECKS:
        sql += [
            f"CREATE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {condition} THEN RAISE EXCEPTION '{MESSAGE}' "
            "USING ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$",
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_fn()",
        ]
        reverse.append(f"DROP FUNCTION {name}_fn() CASCADE")
    return sql, reverse


def clear_cached_responses(apps, schema_editor):
    """Copies cached under the generations of before (or of before a step back) go."""
    from django.core.cache import cache

    cache.clear()


class Migration(migrations.Migration):

    dependencies = [
        ("meetings", "0012_session_found_by"),
    ]

    operations = [
        migrations.RunPython(drop_outside_schema, restore_outside_schema),
        migrations.DeleteModel(
            name='ContentVersion',
        ),
        migrations.DeleteModel(
            name='MeetingVersion',
        ),
        migrations.CreateModel(
            name='MeetingGeneration',
            fields=[
                ('meeting', models.OneToOneField(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='+', serialize=False, to='meetings.meeting', verbose_name='meeting')),
                ('number', models.PositiveBigIntegerField(default=1, verbose_name='changes')),
            ],
            options={
                'verbose_name': 'meeting generation',
                'ordering': ['meeting_id'],
            },
        ),
        migrations.CreateModel(
            name='SharedGeneration',
            fields=[
                ('table', models.CharField(max_length=63, primary_key=True, serialize=False, verbose_name='table')),
                ('number', models.PositiveBigIntegerField(default=1, verbose_name='changes')),
            ],
            options={
                'verbose_name': 'shared generation',
                'ordering': ['table'],
            },
        ),
        migrations.RenameField(
            model_name="programmepdf",
            old_name="checked_version",
            new_name="checked_at",
        ),
        migrations.AlterField(
            model_name="programmepdf",
            name="checked_at",
            field=models.PositiveBigIntegerField(default=0, help_text="The content's generation when this PDF was last found to be current.", verbose_name='checked at generation'),
        ),
        migrations.AddField(
            model_name='action',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), django.contrib.postgres.search.SearchVector('text', config='english', weight='B'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddField(
            model_name='discussionquestion',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('text', config='english', weight='B'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddField(
            model_name='document',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('title', 'symbol', config='english', weight='A'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddField(
            model_name='meeting',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), django.contrib.postgres.search.SearchVector('summary', config='english', weight='B'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddField(
            model_name='newspost',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), django.contrib.postgres.search.SearchVector('body', config='english', weight='B'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddField(
            model_name='programme',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), django.contrib.postgres.search.SearchVector('background', 'focus', config='english', weight='B'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddField(
            model_name='workplan',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('title', 'subtitle', config='english', weight='A'), django.contrib.postgres.search.SearchVector('background', 'objectives', 'activities', 'expected_outputs', 'budget_and_partners', config='english', weight='B'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddField(
            model_name='session',
            name='question_words',
            field=django.contrib.postgres.search.SearchVectorField(default='', editable=False, serialize=False, verbose_name='words of its questions'),
        ),
        migrations.AddField(
            model_name='session',
            name='search_vector',
            field=models.GeneratedField(db_persist=True, expression=models.Func(django.contrib.postgres.search.SearchVector('title', config='english', weight='A'), django.contrib.postgres.search.SearchVector('purpose', 'questions_intro', config='english', weight='B'), models.F('question_words'), arg_joiner=' || ', output_field=django.contrib.postgres.search.SearchVectorField(), template='(%(expressions)s)'), output_field=django.contrib.postgres.search.SearchVectorField(), serialize=False, verbose_name='searched words'),
        ),
        migrations.AddIndex(
            model_name='action',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_action'),
        ),
        migrations.AddIndex(
            model_name='discussionquestion',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_discussionquestion'),
        ),
        migrations.AddIndex(
            model_name='document',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_document'),
        ),
        migrations.AddIndex(
            model_name='meeting',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_meeting'),
        ),
        migrations.AddIndex(
            model_name='newspost',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_newspost'),
        ),
        migrations.AddIndex(
            model_name='programme',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_programme'),
        ),
        migrations.AddIndex(
            model_name='session',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_session'),
        ),
        migrations.AddIndex(
            model_name='workplan',
            index=django.contrib.postgres.indexes.GinIndex(fields=['search_vector'], name='search_workplan'),
        ),
        migrations.RunSQL(*date_check_triggers()),
        migrations.RunSQL(*question_words_triggers()),
        migrations.RunSQL(*generation_triggers()),
        migrations.RunPython(clear_cached_responses, clear_cached_responses),
    ]
