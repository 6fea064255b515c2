"""Search finds an agenda item by the delegations that took the floor in it and by its panellists:
searching "Sudan" (or "Soudan", "the ICBL", "Kerryn Clarke") finds where they spoke.

A session's `question_words` (migration 0013) is the stored vector of what else it is found by,
added to its `search_vector` with weight C. Its function now adds the names of its statements'
delegations (and of those they spoke on behalf of) in every language and form a State or
organisation has (name, short, official, French and Spanish names, acronym), and its
panellists' names, posts, organisations and countries. It is kept as the questions' words are:
after every write to statements or panellists, and after a State's or organisation's names
change, the sessions concerned are refreshed.
"""

import importlib

from django.db import migrations

SCHEMA = importlib.import_module("meetings.migrations.0013_schema_in_migrations")

STATE_NAMES = (
    "concat_ws(' ', {s}.name, {s}.short_name, {s}.official_name, {s}.name_fr, {s}.name_es, "
    "{s}.short_name_fr, {s}.short_name_es)"
)
ORGANISATION_NAMES = "concat_ws(' ', {o}.name, {o}.acronym, {o}.name_fr, {o}.name_es)"

WORDS = f"""
    CREATE OR REPLACE FUNCTION meetings_question_words(session bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(
            (SELECT string_agg(q.text, ' ' ORDER BY q.id)
             FROM meetings_discussionquestion q WHERE q.session_id = session), '')), 'C')
        || setweight(to_tsvector('english', coalesce((SELECT string_agg(words, ' ') FROM (
            SELECT {STATE_NAMES.format(s="s")} AS words
            FROM meetings_statement st
            JOIN meetings_state s ON s.id IN (st.state_id, st.on_behalf_of_state_id)
            WHERE st.session_id = session
            UNION ALL
            SELECT {ORGANISATION_NAMES.format(o="o")}
            FROM meetings_statement st
            JOIN meetings_organisation o
                ON o.id IN (st.organisation_id, st.on_behalf_of_organisation_id)
            WHERE st.session_id = session
            UNION ALL
            SELECT concat_ws(' ', p.title, p.name, p.post, p.role,
                {STATE_NAMES.format(s="s")}, {ORGANISATION_NAMES.format(o="o")})
            FROM meetings_panellist p
            LEFT JOIN meetings_state s ON s.id = p.state_id
            LEFT JOIN meetings_organisation o ON o.id = p.organisation_id
            WHERE p.session_id = session
        ) spoke), '')), 'C')
    $$
"""

# As migration 0013 wrote it: the questions' words only.
OLD_WORDS = """
    CREATE OR REPLACE FUNCTION meetings_question_words(session bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(string_agg(q.text, ' ' ORDER BY q.id), '')), 'C')
        FROM meetings_discussionquestion q WHERE q.session_id = session
    $$
"""

REFRESH = "UPDATE meetings_session SET question_words = meetings_question_words(id) WHERE id IN "

# The sessions a write touches: {rows} is old_rows or new_rows.
TOUCHED = {
    "meetings_statement": "SELECT session_id FROM {rows}",
    "meetings_panellist": "SELECT session_id FROM {rows}",
    "meetings_state": (
        "SELECT st.session_id FROM meetings_statement st JOIN {rows} r "
        "ON r.id IN (st.state_id, st.on_behalf_of_state_id) "
        "UNION SELECT p.session_id FROM meetings_panellist p JOIN {rows} r ON r.id = p.state_id"
    ),
    "meetings_organisation": (
        "SELECT st.session_id FROM meetings_statement st JOIN {rows} r "
        "ON r.id IN (st.organisation_id, st.on_behalf_of_organisation_id) "
        "UNION SELECT p.session_id FROM meetings_panellist p JOIN {rows} r "
        "ON r.id = p.organisation_id"
    ),
}
# States and organisations are only renamed: their inserts and deletes touch no session (a
# delete of one still spoken for is refused by PROTECT).
EVENTS = {
    "meetings_statement": ("INSERT", "UPDATE", "DELETE"),
    "meetings_panellist": ("INSERT", "UPDATE", "DELETE"),
    "meetings_state": ("UPDATE",),
    "meetings_organisation": ("UPDATE",),
}


def triggers():
    sql, reverse = [WORDS], [OLD_WORDS]
    for table, events in EVENTS.items():
        for event in events:
            images = [image.lower() + "_rows" for image in SCHEMA.ROWS_OF[event]]
            touched = " UNION ".join(TOUCHED[table].format(rows=rows) for rows in images)
            forward, backward = SCHEMA._statement_trigger(
                table, event, "refreshes_session_words", REFRESH + f"({touched})"
            )
            sql += forward
            reverse = backward + reverse
    # The sessions there are already.
    sql.append("UPDATE meetings_session SET question_words = meetings_question_words(id)")
    reverse.append("UPDATE meetings_session SET question_words = meetings_question_words(id)")
    return sql, reverse


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0020_session_day_order"),
    ]

    operations = [
        migrations.RunSQL(*triggers()),
    ]
