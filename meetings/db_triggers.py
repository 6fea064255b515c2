"""Database triggers: the one invariant a CHECK constraint cannot express, and the content version.

"A session's day lies within its meeting's dates" spans three tables (session -> programme ->
meeting), so it is kept by triggers: on inserting or moving a session, on moving a programme to
another meeting, and on changing a meeting's dates. Forms check the same rule first
(Session.clean, Meeting.clean) so editors see a message; the triggers guard every other path.

Every write to a content table (the meetings app's tables and their many-to-many tables, but
the bookkeeping ones) bumps the single ContentVersion row, whatever made it: a save, a
queryset .update(), a bulk_create, a delete, raw SQL. The stored PDFs and the page cache trust
their copies only while that number stands (meetings/versions.py). On PostgreSQL one trigger
per statement, on SQLite one per row (it has no statement triggers).

The tables inside a meeting (MEETING_TABLES: the meeting, its programmes, their sessions and
what hangs from them) also bump the MeetingVersion row of each meeting a write touches, before
and after it (a session moved to another meeting's programme bumps both). A write to any other
content table (a venue, a person, an action, a document, news) also bumps ContentVersion's
`shared`, which every meeting's pages depend on. On PostgreSQL the meeting trigger runs per
statement, after the one that bumps ContentVersion (triggers fire in the order of their names),
so a writer always locks the version rows in the same order and two cannot deadlock.

On PostgreSQL, content writers also take turns: each statement on a content table first takes
one transaction-long advisory lock, so no two writers can deadlock on content and version rows.

On PostgreSQL, a session's `related_words` (migration 0012: the words of its questions and of
the actions it serves, which the search finds it by) are refreshed by triggers on every write
to questions, to the session-action links and to actions.

They are (re)installed after every `migrate` rather than in a migration, because SQLite drops a
table's triggers whenever a later migration rebuilds the table, and because the content tables
are the models' tables of the day.
"""

from django.apps import apps
from django.db import connections

# Models whose rows record the caches' own state: writing them is not a content change.
BOOKKEEPING = {"ContentVersion", "MeetingVersion", "ProgrammePDF"}
VERSION_TABLE = "meetings_contentversion"
MEETING_VERSION_TABLE = "meetings_meetingversion"
_BUMP = (  # every change
    f"INSERT INTO {VERSION_TABLE} (id, number, shared) VALUES (1, 1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET number = {VERSION_TABLE}.number + 1"
)
_BUMP_SHARED = (  # a change outside any one meeting
    f"{_BUMP}, shared = {VERSION_TABLE}.shared + 1"
)

# The tables inside a meeting, each with the column of its rows that leads to the meeting and
# the joins that follow it there: SQL over `r.key` (that column) giving `meeting_id`. A table
# not named here is shared by all meetings' pages; a table named here must only ever be shown
# on its own meeting's pages (and on pages about everything: lists, search, action pages).
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


def _bump_meetings(table, rows):
    """SQL bumping the version of each meeting that `rows` (a relation with a `key` column,
    the table's column of MEETING_TABLES) belong to."""
    _, joins, meeting_id = MEETING_TABLES[table]
    return (
        f"INSERT INTO {MEETING_VERSION_TABLE} (meeting_id, number) "
        f"SELECT DISTINCT {meeting_id}, 1 FROM {rows} r {joins} WHERE {meeting_id} IS NOT NULL "
        f"ON CONFLICT (meeting_id) DO UPDATE SET number = {MEETING_VERSION_TABLE}.number + 1"
    )


MESSAGE = "session day outside the dates of its meeting"  # no quotes: goes into SQL

_SESSION_OUTSIDE = """
    EXISTS (
        SELECT 1 FROM meetings_programme p JOIN meetings_meeting m ON m.id = p.meeting_id
        WHERE p.id = NEW.programme_id AND (NEW.date < m.start_date OR NEW.date > m.end_date)
    )
"""
_PROGRAMME_OUTSIDE = """
    EXISTS (
        SELECT 1 FROM meetings_session s JOIN meetings_meeting m ON m.id = NEW.meeting_id
        WHERE s.programme_id = NEW.id AND (s.date < m.start_date OR s.date > m.end_date)
    )
"""
_MEETING_OUTSIDE = """
    EXISTS (
        SELECT 1 FROM meetings_session s JOIN meetings_programme p ON p.id = s.programme_id
        WHERE p.meeting_id = NEW.id AND (s.date < NEW.start_date OR s.date > NEW.end_date)
    )
"""

# (trigger name, table, event, condition)
_TRIGGERS = [
    ("meetings_session_in_meeting_ins", "meetings_session", "INSERT", _SESSION_OUTSIDE),
    (
        "meetings_session_in_meeting_upd",
        "meetings_session",
        "UPDATE OF date, programme_id",
        _SESSION_OUTSIDE,
    ),
    (
        "meetings_programme_move_upd",
        "meetings_programme",
        "UPDATE OF meeting_id",
        _PROGRAMME_OUTSIDE,
    ),
    (
        "meetings_meeting_dates_upd",
        "meetings_meeting",
        "UPDATE OF start_date, end_date",
        _MEETING_OUTSIDE,
    ),
]


def content_tables():
    """The tables whose every change is a content change."""
    tables = []
    for model in apps.get_app_config("meetings").get_models():
        if model.__name__ in BOOKKEEPING:
            continue
        tables.append(model._meta.db_table)
        tables += [
            field.remote_field.through._meta.db_table
            for field in model._meta.local_many_to_many
            if field.remote_field.through._meta.auto_created
        ]
    return tables


# Which rows of a write lead to the meetings it touches: the rows before it, after it, or both.
_ROWS_OF = {"INSERT": ("NEW",), "UPDATE": ("OLD", "NEW"), "DELETE": ("OLD",)}


def _sqlite_version_statements(tables):
    for table in tables:
        for event, images in _ROWS_OF.items():
            name = f"{table}_{event.lower()}_bumps_version"
            if table in MEETING_TABLES:
                column = MEETING_TABLES[table][0]
                body = [_BUMP] + [
                    _bump_meetings(table, f"(SELECT {image}.{column} AS key)") for image in images
                ]
            else:
                body = [_BUMP_SHARED]
            yield f"DROP TRIGGER IF EXISTS {name}"
            yield f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {'; '.join(body)}; END"


# Any number, the same in every process: the advisory lock that content writers take in turn.
CONTENT_WRITE_LOCK = 742_118_301


def _postgresql_version_statements(tables):
    # Writers take turns: each statement on a content table first takes one lock, held to the
    # end of its transaction, before it locks any row. Every writer then locks rows (its own,
    # and the version rows its triggers bump) only while no other writer can, so no two can
    # wait for each other in a circle (a deadlock, which PostgreSQL ends by failing one of
    # them). Content is written by a few editors and the odd bulk load: taking turns costs
    # nothing they would notice.
    yield (
        "CREATE OR REPLACE FUNCTION meetings_lock_content_writes() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"PERFORM pg_advisory_xact_lock({CONTENT_WRITE_LOCK}); RETURN NULL; END $$"
    )
    # A TRUNCATE has no rows to follow to their meetings: it counts as a change to everything.
    yield (
        "CREATE OR REPLACE FUNCTION meetings_bump_content_version() RETURNS trigger "
        "LANGUAGE plpgsql AS $$ BEGIN "
        f"IF TG_ARGV[0] = 'shared' OR TG_OP = 'TRUNCATE' THEN {_BUMP_SHARED}; "
        f"ELSE {_BUMP}; END IF; RETURN NULL; END $$"
    )
    for table in tables:
        yield f"DROP TRIGGER IF EXISTS locks_content_writes ON {table}"
        yield (
            f"CREATE TRIGGER locks_content_writes BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION meetings_lock_content_writes()"
        )
        scope = "meeting" if table in MEETING_TABLES else "shared"
        yield f"DROP TRIGGER IF EXISTS bumps_content_version ON {table}"
        yield (
            f"CREATE TRIGGER bumps_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT "
            f"EXECUTE FUNCTION meetings_bump_content_version('{scope}')"
        )
        if table not in MEETING_TABLES:
            continue
        column = MEETING_TABLES[table][0]
        for event, images in _ROWS_OF.items():
            bumps = "; ".join(
                _bump_meetings(table, f"(SELECT {column} AS key FROM {image.lower()}_rows)")
                for image in images
            )
            # Named to sort after bumps_content_version, so it runs after it.
            yield from _statement_trigger(
                table, event, f"bumps_meeting_version_{event.lower()}", "bumps_meetings", bumps
            )


def _statement_trigger(table, event, trigger, purpose, body):
    """`trigger` on `table`, running `body` once per `event` statement, with the statement's
    rows before and/or after it as `old_rows` and `new_rows`. Each trigger has a function of
    its own: PostgreSQL gives transition tables to a trigger of one event only."""
    function = f"{table}_{event.lower()}_{purpose}"
    references = " ".join(f"{image} TABLE AS {image.lower()}_rows" for image in _ROWS_OF[event])
    yield (
        f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {body}; RETURN NULL; END $$"
    )
    yield f"DROP TRIGGER IF EXISTS {trigger} ON {table}"
    yield (
        f"CREATE TRIGGER {trigger} AFTER {event} ON {table} "
        f"REFERENCING {references} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
    )


# -- a session's related words, for the search (PostgreSQL only) --------------------------------

# The same words as migration 0012 fills in.
_RELATED_WORDS_FUNCTION = """
    CREATE OR REPLACE FUNCTION meetings_session_related_words(session bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce((
                SELECT string_agg(q.text, ' ' ORDER BY q.id) FROM meetings_discussionquestion q
                WHERE q.session_id = session), '')), 'C')
            || setweight(to_tsvector('english', coalesce((
                SELECT string_agg(
                    coalesce(a.title, '') || ' ' || coalesce(a.text, ''), ' ' ORDER BY a.id)
                FROM meetings_session_actions l JOIN meetings_action a ON a.id = l.action_id
                WHERE l.session_id = session), '')), 'C')
    $$
"""
# The sessions whose words a write changes, by table and event, over its transition tables.
# An update counts only where a searched column changed: an admin save writes every column.
_CHANGED_QUESTIONS = (
    "old_rows o JOIN new_rows n ON n.id = o.id "
    "WHERE (o.session_id, o.text) IS DISTINCT FROM (n.session_id, n.text)"
)
_RELATED_WORDS_SOURCES = {
    "meetings_discussionquestion": {
        "INSERT": "SELECT session_id FROM new_rows",
        "UPDATE": (
            f"SELECT o.session_id FROM {_CHANGED_QUESTIONS} "
            f"UNION SELECT n.session_id FROM {_CHANGED_QUESTIONS}"
        ),
        "DELETE": "SELECT session_id FROM old_rows",
    },
    "meetings_session_actions": {
        "INSERT": "SELECT session_id FROM new_rows",
        "UPDATE": "SELECT session_id FROM old_rows UNION SELECT session_id FROM new_rows",
        "DELETE": "SELECT session_id FROM old_rows",
    },
    "meetings_action": {  # a deleted action's links go first, by the links' trigger
        "UPDATE": (
            "SELECT l.session_id FROM old_rows o JOIN new_rows n ON n.id = o.id "
            "JOIN meetings_session_actions l ON l.action_id = n.id "
            "WHERE (o.title, o.text) IS DISTINCT FROM (n.title, n.text)"
        ),
    },
}


def _postgresql_related_words_statements():
    yield _RELATED_WORDS_FUNCTION
    for table, events in _RELATED_WORDS_SOURCES.items():
        for event, touched in events.items():
            refresh = (
                "UPDATE meetings_session SET related_words = meetings_session_related_words(id) "
                f"WHERE id IN ({touched})"
            )
            # Named to sort after the version triggers: the version rows are locked first.
            yield from _statement_trigger(
                table,
                event,
                f"refreshes_session_words_{event.lower()}",
                "refreshes_session_words",
                refresh,
            )


def _has_column(connection, table, column):
    with connection.cursor() as cursor:
        description = connection.introspection.get_table_description(cursor, table)
    return column in {field.name for field in description}


def _sqlite_statements():
    for name, table, event, condition in _TRIGGERS:
        yield f"DROP TRIGGER IF EXISTS {name}"
        yield (
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"WHEN {condition} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def _postgresql_statements():
    for name, table, event, condition in _TRIGGERS:
        yield (
            f"CREATE OR REPLACE FUNCTION {name}_fn() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN IF {condition} THEN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'check_violation'; "
            f"END IF; RETURN NEW; END $$"
        )
        yield f"DROP TRIGGER IF EXISTS {name} ON {table}"
        yield (
            f"CREATE TRIGGER {name} BEFORE {event} ON {table} "
            f"FOR EACH ROW EXECUTE FUNCTION {name}_fn()"
        )


def install_triggers(using="default", **kwargs):
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if not {"meetings_session", "meetings_programme", "meetings_meeting"} <= tables:
        return  # migrated to a state before these tables exist
    content = [table for table in content_tables() if table in tables]
    # Migrated back to a state before the versions existed: its migration put its own back.
    versions = MEETING_VERSION_TABLE in tables
    if connection.vendor == "sqlite":
        statements = [*_sqlite_statements()]
        if versions:
            statements += _sqlite_version_statements(content)
    elif connection.vendor == "postgresql":
        statements = [*_postgresql_statements()]
        if versions:
            statements += _postgresql_version_statements(content)
        if _has_column(connection, "meetings_session", "related_words"):
            statements += _postgresql_related_words_statements()
    else:
        raise NotImplementedError(f"No triggers for {connection.vendor}.")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
