"""A write to the sessions of a programme's working copy no longer counts as a change to its
meeting's public pages (migration 0013's generations), so the cached copies of those pages stay
while staff edit; publishing the revision changes them, as it writes the published copy.

Delegates read a programme's published copy only (meetings/models/common.py, `public()`), so the
rows inside a working copy's sessions change no public page: the sessions themselves, the actions
they serve, their questions, presenters and organisations of presentations, statements,
panellists and recordings. On the meeting day an editor's every save emptied the cache of the
whole meeting while 500 delegates read it (bench/meeting_day_bench.py, issue 23 goal 5).

Still counted, wherever their rows are: the meeting, its programmes (a working copy's status
decides whether the documents it holds are public), revisions, the documents a copy lists, and
the two tables that name documents: presentations (their document) and statements' files. A
document shown only by a working copy is hidden until its revision is published
(DocumentQuerySet), so a write to those can change the public documents pages.

Each trigger function keeps its name and trigger; only its body changes (CREATE OR REPLACE).
"""

import importlib

from django.db import migrations

SCHEMA = importlib.import_module("meetings.migrations.0013_schema_in_migrations")

# table: (the column of its rows leading to the programme, the joins from it to programme `p`)
INSIDE_SESSIONS = {
    "meetings_session": ("programme_id", SCHEMA._TO_PROGRAMME),
    "meetings_session_actions": ("session_id", SCHEMA._TO_SESSION),
    "meetings_discussionquestion": ("session_id", SCHEMA._TO_SESSION),
    "meetings_presentation_presenters": ("presentation_id", SCHEMA._TO_PRESENTATION),
    "meetings_presentation_organisations": ("presentation_id", SCHEMA._TO_PRESENTATION),
    "meetings_statement": ("session_id", SCHEMA._TO_SESSION),
    "meetings_panellist": ("session_id", SCHEMA._TO_SESSION),
    "meetings_recording": ("session_id", SCHEMA._TO_SESSION),
}


def _function(table, event, only_published):
    """The SQL (re)defining the function of `table`'s bumps_meetings trigger for `event`: counting
    the rows of published and earlier copies only, or (going back) as migrations 0013 and 0018
    wrote it."""
    column, joins = INSIDE_SESSIONS[table]
    images = SCHEMA.ROWS_OF[event]
    rows = " UNION ".join(f"SELECT {column} AS key FROM {i.lower()}_rows" for i in images)
    if not only_published and table in SCHEMA.MEETING_TABLES:
        bumps = SCHEMA._bump_meetings(table, f"({rows})")
    else:
        where = "WHERE p.edition <> 'working' " if only_published else ""
        bumps = (
            f"INSERT INTO {SCHEMA.MEETING_GENERATION} (meeting_id, number) "
            f"SELECT DISTINCT p.meeting_id, 1 FROM ({rows}) r {joins} {where}"
            "ORDER BY 1 ON CONFLICT (meeting_id) DO UPDATE SET number = "
            f"{SCHEMA.MEETING_GENERATION}.number + 1"
        )
    return (
        f"CREATE OR REPLACE FUNCTION {table}_bumps_meetings_{event.lower()}() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {bumps}; RETURN NULL; END $$"
    )


def functions(only_published):
    return [
        _function(table, event, only_published)
        for table in INSIDE_SESSIONS
        for event in SCHEMA.ROWS_OF
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0031_admin_search_trigrams"),
    ]

    operations = [
        migrations.RunSQL(functions(only_published=True), functions(only_published=False)),
    ]
