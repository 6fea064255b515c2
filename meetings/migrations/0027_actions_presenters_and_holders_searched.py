"""Search finds an action by its plan and number, a session by its presentations' presenters
and organisations, a meeting and a programme by their office holders (issue 24's trial:
"Carthagène 31", "medida 31", "Cartagena 31", "Tardif", "CICR", "ICRC", "Kimpton" found nothing).

1. An action's `plan_words`: its plan's names and short names in every language, and its number
   as the pages name an action in each language (the catalogues' "Action #%(number)s": "Action
   #31", "action n° 31", "medida n.º 31"), weight C, added to its `search_vector`. Every write
   to an action takes them as they are; a change to a plan's names refreshes its actions.
2. A session's `question_words` (migrations 0013, 0021) hold the titles of its presentations
   in every language, their presenters' names, functions, organisations and States, the
   organisations presenting (name and acronym in every language) and the delegation of a
   statement presentation, as they hold its panellists'. Every write to presentations, their
   presenters and organisations, and to a person, refreshes the sessions concerned; the
   refreshes on a State's or organisation's rename of migration 0021 follow them to
   presentations too.
3. A meeting's and a programme's `holder_words`: the names and States (in every form) of the
   meeting's office holders and of the holders convening the programme, weight C, added to
   their `search_vector`. Every write to them takes them as they are; a write to office holders,
   to a programme's conveners, or a rename of a person or State refreshes them.

PostgreSQL cannot change a stored generated column's expression: the vectors of actions,
meetings and programmes are dropped with their indexes and added again; the rows there are get
their words last, which computes their vectors anew.
"""

import importlib

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

SCHEMA = importlib.import_module("meetings.migrations.0013_schema_in_migrations")
WORDS_0021 = importlib.import_module("meetings.migrations.0021_sessions_found_by_delegations")
WORDS_0022 = importlib.import_module("meetings.migrations.0022_states_other_names")
WORDS_0024 = importlib.import_module("meetings.migrations.0024_names_in_french_and_spanish")

STATE_NAMES = WORDS_0022.STATE_NAMES  # with their other names
ORGANISATION_NAMES = WORDS_0024.ORGANISATION_NAMES  # with their French and Spanish acronyms
STATE, ORGANISATION = STATE_NAMES.format(s="s"), ORGANISATION_NAMES.format(o="o")

# -- 1. an action's plan and number ----------------------------------------------------------

PLAN_NAMES = (
    "concat_ws(' ', {p}.name, {p}.short_name, {p}.name_fr, {p}.short_name_fr, {p}.name_es, "
    "{p}.short_name_es)"
)
ACTION_WORDS = f"""
    CREATE FUNCTION meetings_action_words(plan bigint, number integer) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce((
            SELECT concat_ws(' ', {PLAN_NAMES.format(p="p")},
                'Action #' || number, 'action n° ' || number, 'medida n.º ' || number)
            FROM meetings_actionplan p WHERE p.id = plan), '')), 'C')
    $$
"""
ACTION_TAKES_ITS_WORDS = [
    "CREATE FUNCTION meetings_action_takes_words() RETURNS trigger LANGUAGE plpgsql AS $$ "
    "BEGIN NEW.plan_words := meetings_action_words(NEW.plan_id, NEW.number); RETURN NEW; END $$",
    "CREATE TRIGGER takes_plan_words BEFORE INSERT OR UPDATE ON meetings_action "
    "FOR EACH ROW EXECUTE FUNCTION meetings_action_takes_words()",
]
# A plan's save counts only where its names changed: an admin save writes every column.
_RENAMED_PLANS = (
    "SELECT n.id FROM old_rows o JOIN new_rows n ON n.id = o.id "
    f"WHERE {PLAN_NAMES.format(p='o')} IS DISTINCT FROM {PLAN_NAMES.format(p='n')}"
)
REFRESH_ACTIONS = (
    "UPDATE meetings_action SET plan_words = meetings_action_words(plan_id, number) "
    f"WHERE plan_id IN ({_RENAMED_PLANS})"
)


def action_words():
    sql = [ACTION_WORDS, *ACTION_TAKES_ITS_WORDS]
    reverse = [
        "DROP FUNCTION meetings_action_takes_words() CASCADE",
        "DROP FUNCTION meetings_action_words(bigint, integer) CASCADE",
    ]
    forward, backward = SCHEMA._statement_trigger(
        "meetings_actionplan", "UPDATE", "refreshes_action_words", REFRESH_ACTIONS
    )
    return sql + forward, backward + reverse


# -- 2. a session's presentations ---------------------------------------------------------------

_LAST_SOURCE = """            WHERE p.session_id = session
        ) spoke), '')), 'C')"""
assert WORDS_0024.WORDS.count(_LAST_SOURCE) == 1
PRESENTATIONS = f"""            WHERE p.session_id = session
            UNION ALL
            SELECT concat_ws(' ', pr.title, pr.title_fr, pr.title_es, {STATE}, {ORGANISATION})
            FROM meetings_presentation pr
            LEFT JOIN meetings_state s ON s.id = pr.delegation_state_id
            LEFT JOIN meetings_organisation o ON o.id = pr.delegation_organisation_id
            WHERE pr.session_id = session
            UNION ALL
            SELECT concat_ws(' ', pe.name, pe.function, {STATE}, {ORGANISATION})
            FROM meetings_presentation pr
            JOIN meetings_presentation_presenters pp ON pp.presentation_id = pr.id
            JOIN meetings_person pe ON pe.id = pp.person_id
            LEFT JOIN meetings_state s ON s.id = pe.state_id
            LEFT JOIN meetings_organisation o ON o.id = pe.organisation_id
            WHERE pr.session_id = session
            UNION ALL
            SELECT {ORGANISATION}
            FROM meetings_presentation pr
            JOIN meetings_presentation_organisations po ON po.presentation_id = pr.id
            JOIN meetings_organisation o ON o.id = po.organisation_id
            WHERE pr.session_id = session
        ) spoke), '')), 'C')"""
SESSION_WORDS = WORDS_0024.WORDS.replace(_LAST_SOURCE, PRESENTATIONS)
REFRESH_SESSIONS = WORDS_0021.REFRESH  # "... WHERE id IN "

_PRESENTED_BY = (
    "SELECT pr.session_id FROM meetings_presentation pr "
    "JOIN meetings_presentation_presenters pp ON pp.presentation_id = pr.id "
    "JOIN meetings_person pe ON pe.id = pp.person_id "
)
# The sessions a write touches: {rows} is old_rows or new_rows.
SESSIONS_TOUCHED = {
    "meetings_presentation": "SELECT session_id FROM {rows}",
    "meetings_presentation_presenters": (
        "SELECT pr.session_id FROM meetings_presentation pr "
        "JOIN {rows} r ON r.presentation_id = pr.id"
    ),
    "meetings_presentation_organisations": (
        "SELECT pr.session_id FROM meetings_presentation pr "
        "JOIN {rows} r ON r.presentation_id = pr.id"
    ),
    "meetings_person": _PRESENTED_BY + "JOIN {rows} r ON r.id = pe.id",
}
# Migration 0021's refreshes on a State's or organisation's rename, following presentations too.
RENAMED_TOUCHES = {
    "meetings_state": WORDS_0021.TOUCHED["meetings_state"]
    + " UNION SELECT pr.session_id FROM meetings_presentation pr JOIN {rows} r "
    "ON r.id = pr.delegation_state_id "
    f"UNION {_PRESENTED_BY}JOIN {{rows}} r ON r.id = pe.state_id",
    "meetings_organisation": WORDS_0021.TOUCHED["meetings_organisation"]
    + " UNION SELECT pr.session_id FROM meetings_presentation pr JOIN {rows} r "
    "ON r.id = pr.delegation_organisation_id "
    "UNION SELECT pr.session_id FROM meetings_presentation pr "
    "JOIN meetings_presentation_organisations po ON po.presentation_id = pr.id "
    "JOIN {rows} r ON r.id = po.organisation_id "
    f"UNION {_PRESENTED_BY}JOIN {{rows}} r ON r.id = pe.organisation_id",
}
SESSION_EVENTS = {
    "meetings_presentation": ("INSERT", "UPDATE", "DELETE"),
    "meetings_presentation_presenters": ("INSERT", "UPDATE", "DELETE"),
    "meetings_presentation_organisations": ("INSERT", "UPDATE", "DELETE"),
    "meetings_person": ("UPDATE",),  # a person's delete goes through presenters' rows first
}


def _refresh(touched, event):
    images = [image.lower() + "_rows" for image in SCHEMA.ROWS_OF[event]]
    return " UNION ".join(touched.format(rows=rows) for rows in images)


def session_words():
    refresh = "UPDATE meetings_session SET question_words = meetings_question_words(id)"
    sql, reverse = [SESSION_WORDS], [WORDS_0024.WORDS]
    for table, events in SESSION_EVENTS.items():
        for event in events:
            touched = _refresh(SESSIONS_TOUCHED[table], event)
            forward, backward = SCHEMA._statement_trigger(
                table, event, "refreshes_session_words", f"{REFRESH_SESSIONS}({touched})"
            )
            sql += forward
            reverse = backward + reverse
    for table, touched in RENAMED_TOUCHES.items():
        new, drop_new = SCHEMA._statement_trigger(
            table,
            "UPDATE",
            "refreshes_session_words",
            f"{REFRESH_SESSIONS}({_refresh(touched, 'UPDATE')})",
        )
        old, drop_old = SCHEMA._statement_trigger(
            table,
            "UPDATE",
            "refreshes_session_words",
            f"{REFRESH_SESSIONS}({_refresh(WORDS_0021.TOUCHED[table], 'UPDATE')})",
        )
        sql += drop_old + new
        reverse = drop_new + old + reverse
    return sql + [refresh], reverse + [refresh]


# -- 3. a meeting's and a programme's office holders ----------------------------------------------

HOLDER = f"concat_ws(' ', pe.name, {STATE})"
HOLDERS = (
    "FROM meetings_mandate m JOIN meetings_state s ON s.id = m.state_id "
    "LEFT JOIN meetings_person pe ON pe.id = m.person_id "
)
HOLDER_WORDS = [
    f"""
    CREATE FUNCTION meetings_meeting_holder_words(meeting bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(
            string_agg({HOLDER}, ' ' ORDER BY m.id), '')), 'C')
        {HOLDERS}WHERE m.meeting_id = meeting
    $$
    """,
    f"""
    CREATE FUNCTION meetings_programme_holder_words(programme bigint) RETURNS tsvector
    LANGUAGE sql STABLE AS $$
        SELECT setweight(to_tsvector('english', coalesce(
            string_agg({HOLDER}, ' ' ORDER BY m.id), '')), 'C')
        {HOLDERS}JOIN meetings_programme_convened_by c ON c.mandate_id = m.id
        WHERE c.programme_id = programme
    $$
    """,
]
REFRESH_HOLDERS = {
    "meeting": "UPDATE meetings_meeting SET holder_words = meetings_meeting_holder_words(id) "
    "WHERE id IN ",
    "programme": "UPDATE meetings_programme SET holder_words = "
    "meetings_programme_holder_words(id) WHERE id IN ",
}
_CONVENED_BY = (
    "SELECT c.programme_id FROM meetings_programme_convened_by c "
    "JOIN meetings_mandate m ON m.id = c.mandate_id "
)
# {table: {"meeting" or "programme": the rows a write touches}}; {rows}: old_rows or new_rows.
HOLDERS_TOUCHED = {
    "meetings_mandate": {
        "meeting": "SELECT meeting_id FROM {rows}",
        "programme": _CONVENED_BY + "JOIN {rows} r ON r.id = m.id",
    },
    "meetings_programme_convened_by": {"programme": "SELECT programme_id FROM {rows}"},
    "meetings_person": {
        "meeting": "SELECT m.meeting_id FROM meetings_mandate m JOIN {rows} r ON r.id = m.person_id",
        "programme": _CONVENED_BY + "JOIN {rows} r ON r.id = m.person_id",
    },
    "meetings_state": {
        "meeting": "SELECT m.meeting_id FROM meetings_mandate m JOIN {rows} r ON r.id = m.state_id",
        "programme": _CONVENED_BY + "JOIN {rows} r ON r.id = m.state_id",
    },
}
HOLDER_EVENTS = {
    "meetings_mandate": ("INSERT", "UPDATE", "DELETE"),
    "meetings_programme_convened_by": ("INSERT", "UPDATE", "DELETE"),
    "meetings_person": ("UPDATE",),
    "meetings_state": ("UPDATE",),  # States and people are deleted only when nothing holds them
}


def holder_words():
    sql, reverse = (
        list(HOLDER_WORDS),
        [
            "DROP FUNCTION meetings_meeting_holder_words(bigint) CASCADE",
            "DROP FUNCTION meetings_programme_holder_words(bigint) CASCADE",
        ],
    )
    for kind in ("meeting", "programme"):
        function = f"meetings_{kind}_takes_holder_words"
        sql += [
            f"CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"NEW.holder_words := meetings_{kind}_holder_words(NEW.id); RETURN NEW; END $$",
            f"CREATE TRIGGER takes_holder_words BEFORE INSERT OR UPDATE ON meetings_{kind} "
            f"FOR EACH ROW EXECUTE FUNCTION {function}()",
        ]
        reverse.insert(0, f"DROP FUNCTION {function}() CASCADE")
    for table, events in HOLDER_EVENTS.items():
        for event in events:
            body = "; ".join(
                f"{REFRESH_HOLDERS[kind]}({_refresh(touched, event)})"
                for kind, touched in HOLDERS_TOUCHED[table].items()
            )
            forward, backward = SCHEMA._statement_trigger(
                table, event, "refreshes_holder_words", body
            )
            sql += forward
            reverse = backward + reverse
    return sql, reverse


# -- the rows there are -------------------------------------------------------------------------

REFRESH_EVERY_ROW = [
    "UPDATE meetings_action SET plan_words = meetings_action_words(plan_id, number)",
    "UPDATE meetings_meeting SET holder_words = meetings_meeting_holder_words(id)",
    "UPDATE meetings_programme SET holder_words = meetings_programme_holder_words(id)",
]


def sql():
    actions, drop_actions = action_words()
    sessions, back_sessions = session_words()
    holders, drop_holders = holder_words()
    forward = actions + sessions + holders + REFRESH_EVERY_ROW
    return forward, back_sessions + drop_holders + drop_actions


def _vector(*parts, words):
    """A model's stored vector: `parts` (title and body) and the column `words`."""
    return models.GeneratedField(
        db_persist=True,
        expression=models.Func(
            *parts,
            models.F(words),
            arg_joiner=" || ",
            output_field=django.contrib.postgres.search.SearchVectorField(),
            template="(%(expressions)s)",
        ),
        output_field=django.contrib.postgres.search.SearchVectorField(),
        serialize=False,
        verbose_name="searched words",
    )


def _replaced(model, field):
    """The operations replacing `model`'s search_vector by `field`, its index too."""
    return [
        migrations.RemoveIndex(model_name=model, name=f"search_{model}"),
        migrations.RemoveField(model_name=model, name="search_vector"),
        migrations.AddField(model_name=model, name="search_vector", field=field),
        migrations.AddIndex(
            model_name=model,
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["search_vector"], name=f"search_{model}"
            ),
        ),
    ]


def _searched(*columns, weight):
    return django.contrib.postgres.search.SearchVector(*columns, config="english", weight=weight)


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0026_seed_activity_coordinators"),
    ]

    operations = [
        migrations.AddField(
            model_name="action",
            name="plan_words",
            field=django.contrib.postgres.search.SearchVectorField(
                default="",
                editable=False,
                serialize=False,
                verbose_name="words of its plan and number",
            ),
        ),
        migrations.AddField(
            model_name="meeting",
            name="holder_words",
            field=django.contrib.postgres.search.SearchVectorField(
                default="",
                editable=False,
                serialize=False,
                verbose_name="words of its office holders",
            ),
        ),
        migrations.AddField(
            model_name="programme",
            name="holder_words",
            field=django.contrib.postgres.search.SearchVectorField(
                default="", editable=False, serialize=False, verbose_name="words of its conveners"
            ),
        ),
        *_replaced(
            "action",
            _vector(
                _searched("title", "title_fr", "title_es", weight="A"),
                _searched("text", "text_fr", "text_es", weight="B"),
                words="plan_words",
            ),
        ),
        *_replaced(
            "meeting",
            _vector(
                _searched("title", "title_fr", "title_es", weight="A"),
                _searched("summary", "summary_fr", "summary_es", weight="B"),
                words="holder_words",
            ),
        ),
        *_replaced(
            "programme",
            _vector(
                _searched("title", "title_fr", "title_es", weight="A"),
                _searched(
                    "background",
                    "background_fr",
                    "background_es",
                    "focus",
                    "focus_fr",
                    "focus_es",
                    weight="B",
                ),
                words="holder_words",
            ),
        ),
        migrations.RunSQL(*sql()),
    ]
