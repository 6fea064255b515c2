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

They are (re)installed after every `migrate` rather than in a migration, because SQLite drops a
table's triggers whenever a later migration rebuilds the table, and because the content tables
are the models' tables of the day.
"""

from django.apps import apps
from django.db import connections

# Models whose rows record the caches' own state: writing them is not a content change.
BOOKKEEPING = {"ContentVersion", "ProgrammePDF"}
VERSION_TABLE = "meetings_contentversion"
_BUMP = (
    f"INSERT INTO {VERSION_TABLE} (id, number) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET number = {VERSION_TABLE}.number + 1"
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


def _sqlite_version_statements(tables):
    for table in tables:
        for event in ("INSERT", "UPDATE", "DELETE"):
            name = f"{table}_{event.lower()}_bumps_version"
            yield f"DROP TRIGGER IF EXISTS {name}"
            yield f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {_BUMP}; END"


def _postgresql_version_statements(tables):
    yield (
        "CREATE OR REPLACE FUNCTION meetings_bump_content_version() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN {_BUMP}; RETURN NULL; END $$"
    )
    for table in tables:
        yield f"DROP TRIGGER IF EXISTS bumps_content_version ON {table}"
        yield (
            f"CREATE TRIGGER bumps_content_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION meetings_bump_content_version()"
        )


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
    if VERSION_TABLE not in tables:
        content = []  # migrated to a state before the version existed
    if connection.vendor == "sqlite":
        statements = [*_sqlite_statements(), *_sqlite_version_statements(content)]
    elif connection.vendor == "postgresql":
        statements = [*_postgresql_statements(), *_postgresql_version_statements(content)]
    else:
        raise NotImplementedError(f"No triggers for {connection.vendor}.")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
