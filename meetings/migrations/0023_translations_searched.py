"""Search finds a text by its French and Spanish translations too (issue 24): each searched
model's `search_vector` now holds its translated fields' translations (`Searched(translated=True)`,
with the same English stemming and weights as the English), and a session's `question_words` its
questions' translations. PostgreSQL cannot change a stored generated column's expression: each is
dropped with its index and added again, computed anew for every row.
"""

import importlib

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.db import migrations, models

SCHEMA = importlib.import_module("meetings.migrations.0013_schema_in_migrations")
WORDS = importlib.import_module("meetings.migrations.0022_states_other_names").WORDS

QUESTIONS = "string_agg(q.text, ' ' ORDER BY q.id)"
TRANSLATED_QUESTIONS = "string_agg(concat_ws(' ', q.text, q.text_fr, q.text_es), ' ' ORDER BY q.id)"
assert QUESTIONS in WORDS


def _question_update_trigger(columns):
    """The trigger refreshing the sessions whose questions' `columns` (or session) an update
    changed (migration 0013's, which read `text` only)."""
    changed = (
        "old_rows o JOIN new_rows n ON n.id = o.id WHERE "
        f"(o.session_id, {', '.join('o.' + c for c in columns)}) IS DISTINCT FROM "
        f"(n.session_id, {', '.join('n.' + c for c in columns)})"
    )
    touched = f"SELECT o.session_id FROM {changed} UNION SELECT n.session_id FROM {changed}"
    refresh = (
        "UPDATE meetings_session SET question_words = meetings_question_words(id) "
        f"WHERE id IN ({touched})"
    )
    return SCHEMA._statement_trigger(
        "meetings_discussionquestion", "UPDATE", "refreshes_question_words", refresh
    )


def question_words():
    new, drop_new = _question_update_trigger(["text", "text_fr", "text_es"])
    old, drop_old = _question_update_trigger(["text"])
    refresh = "UPDATE meetings_session SET question_words = meetings_question_words(id)"
    forward = [WORDS.replace(QUESTIONS, TRANSLATED_QUESTIONS), *drop_old, *new, refresh]
    backward = [WORDS, *drop_new, *old, refresh]
    return forward, backward


def _field(model, field):
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


class Migration(migrations.Migration):
    dependencies = [
        ("meetings", "0022_states_other_names"),
    ]

    operations = [
        *_field(
            "action",
            models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.SearchVector(
                        "title", "title_fr", "title_es", config="english", weight="A"
                    ),
                    django.contrib.postgres.search.SearchVector(
                        "text", "text_fr", "text_es", config="english", weight="B"
                    ),
                    arg_joiner=" || ",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="(%(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
                verbose_name="searched words",
            ),
        ),
        *_field(
            "discussionquestion",
            models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.SearchVector(
                        "text", "text_fr", "text_es", config="english", weight="B"
                    ),
                    arg_joiner=" || ",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="(%(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
                verbose_name="searched words",
            ),
        ),
        *_field(
            "meeting",
            models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.SearchVector(
                        "title", "title_fr", "title_es", config="english", weight="A"
                    ),
                    django.contrib.postgres.search.SearchVector(
                        "summary", "summary_fr", "summary_es", config="english", weight="B"
                    ),
                    arg_joiner=" || ",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="(%(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
                verbose_name="searched words",
            ),
        ),
        *_field(
            "newspost",
            models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.SearchVector(
                        "title", "title_fr", "title_es", config="english", weight="A"
                    ),
                    django.contrib.postgres.search.SearchVector(
                        "body", "body_fr", "body_es", config="english", weight="B"
                    ),
                    arg_joiner=" || ",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="(%(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
                verbose_name="searched words",
            ),
        ),
        *_field(
            "programme",
            models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.SearchVector(
                        "title", "title_fr", "title_es", config="english", weight="A"
                    ),
                    django.contrib.postgres.search.SearchVector(
                        "background",
                        "background_fr",
                        "background_es",
                        "focus",
                        "focus_fr",
                        "focus_es",
                        config="english",
                        weight="B",
                    ),
                    arg_joiner=" || ",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="(%(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
                verbose_name="searched words",
            ),
        ),
        *_field(
            "session",
            models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.SearchVector(
                        "title", "title_fr", "title_es", config="english", weight="A"
                    ),
                    django.contrib.postgres.search.SearchVector(
                        "purpose",
                        "purpose_fr",
                        "purpose_es",
                        "questions_intro",
                        "questions_intro_fr",
                        "questions_intro_es",
                        config="english",
                        weight="B",
                    ),
                    models.F("question_words"),
                    arg_joiner=" || ",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="(%(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
                verbose_name="searched words",
            ),
        ),
        *_field(
            "workplan",
            models.GeneratedField(
                db_persist=True,
                expression=models.Func(
                    django.contrib.postgres.search.SearchVector(
                        "title",
                        "title_fr",
                        "title_es",
                        "subtitle",
                        "subtitle_fr",
                        "subtitle_es",
                        config="english",
                        weight="A",
                    ),
                    django.contrib.postgres.search.SearchVector(
                        "background",
                        "background_fr",
                        "background_es",
                        "objectives",
                        "objectives_fr",
                        "objectives_es",
                        "activities",
                        "activities_fr",
                        "activities_es",
                        "expected_outputs",
                        "expected_outputs_fr",
                        "expected_outputs_es",
                        "budget_and_partners",
                        "budget_and_partners_fr",
                        "budget_and_partners_es",
                        config="english",
                        weight="B",
                    ),
                    arg_joiner=" || ",
                    output_field=django.contrib.postgres.search.SearchVectorField(),
                    template="(%(expressions)s)",
                ),
                output_field=django.contrib.postgres.search.SearchVectorField(),
                serialize=False,
                verbose_name="searched words",
            ),
        ),
        migrations.RunSQL(*question_words()),
    ]
