"""A State's other names (issue 19's trial: "Turkey" was refused, the State being "Türkiye"):
the former and common names meeting pages of 2004 to 2019 use, one a line, loaded from the
datasets (meetings/content/states.py: pycountry's common name, CLDR's English name, the former
names of other_names.py) into the States there are. Search finds a session by them too: the
function of migration 0021 adds them to the names of the delegations that took the floor."""

import importlib

from django.db import migrations, models

WORDS_0021 = importlib.import_module("meetings.migrations.0021_sessions_found_by_delegations")

STATE_NAMES = WORDS_0021.STATE_NAMES.replace("{s}.short_name_es)", "{s}.short_name_es, {s}.other_names)")
assert STATE_NAMES != WORDS_0021.STATE_NAMES
WORDS = WORDS_0021.WORDS.replace(
    WORDS_0021.STATE_NAMES.format(s="s"), STATE_NAMES.format(s="s")
)
assert WORDS != WORDS_0021.WORDS
REFRESH = "UPDATE meetings_session SET question_words = meetings_question_words(id)"


def load_other_names(apps, schema_editor):
    """Other names for every State held; the States' other values are left as they are."""
    from meetings.content import states

    states.load(apps.get_model("meetings", "State"), only=["other_names"])


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0021_sessions_found_by_delegations'),
    ]

    operations = [
        migrations.AddField(
            model_name='state',
            name='other_names',
            field=models.TextField(blank=True, help_text='Other names it is known by, one a line: former and common names such as Turkey, Swaziland, Czech Republic, Vietnam. Pasted lists and the search find it by them.', verbose_name='other names'),
        ),
        migrations.RunSQL([WORDS, REFRESH], [WORDS_0021.WORDS, REFRESH]),
        migrations.RunPython(load_other_names, migrations.RunPython.noop),
    ]
