"""Database triggers for the one invariant a CHECK constraint cannot express.

"A session's day lies within its meeting's dates" spans three tables (session -> programme ->
meeting), so it is kept by triggers: on inserting or moving a session, on moving a programme to
another meeting, and on changing a meeting's dates. Forms check the same rule first
(Session.clean, Meeting.clean) so editors see a message; the triggers guard every other path.

They are (re)installed after every `migrate` rather than in a migration, because SQLite drops a
table's triggers whenever a later migration rebuilds the table.
"""

from django.db import connections

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
    if connection.vendor == "sqlite":
        statements = _sqlite_statements()
    elif connection.vendor == "postgresql":
        statements = _postgresql_statements()
    else:
        raise NotImplementedError(f"No session-date triggers for {connection.vendor}.")
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
