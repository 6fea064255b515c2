"""Names a delegate reads in French and Spanish (issue 24): conventions' titles and acronyms,
action plans, organisations (with their acronyms: CICR), venues and rooms, news categories, an
office's name for a woman holding it and a person's gender for it, honorifics; and the French and
Spanish of activities, milestones, mandate details, working groups, revision notes and
presentation titles. An installation holding the seed's English names gets their official French
and Spanish ones (fixtures/seeds.json has the same), where it has none yet; a session is found
by its organisations' French and Spanish acronyms too (the function of migration 0022)."""

import importlib

import markdownx.models
from django.db import migrations, models

WORDS_0022 = importlib.import_module("meetings.migrations.0022_states_other_names")
WORDS_0021 = importlib.import_module("meetings.migrations.0021_sessions_found_by_delegations")
WORDS_0023 = importlib.import_module("meetings.migrations.0023_translations_searched")
# The search functions as migration 0023 left them (with the questions' translations): changed
# again here, and put back as they were when this migration is reversed.
BEFORE = WORDS_0023.WORDS.replace(WORDS_0023.QUESTIONS, WORDS_0023.TRANSLATED_QUESTIONS)

ORGANISATION_NAMES = WORDS_0021.ORGANISATION_NAMES.replace(
    "{o}.name_es)", "{o}.name_es, {o}.acronym_fr, {o}.acronym_es)"
)
assert ORGANISATION_NAMES != WORDS_0021.ORGANISATION_NAMES
WORDS = BEFORE.replace(
    WORDS_0021.ORGANISATION_NAMES.format(o="o"), ORGANISATION_NAMES.format(o="o")
)
assert WORDS != BEFORE
REFRESH = WORDS_0022.REFRESH

# (model, the English that finds the row): the French and Spanish it is given where empty.
NAMES = [
    ("Convention", {"short_name": "APMBC"}, {
        "full_name_fr": "Convention sur l'interdiction de l'emploi, du stockage, de la production et du transfert des mines antipersonnel et sur leur destruction",
        "full_name_es": "Convención sobre la prohibición del empleo, almacenamiento, producción y transferencia de minas antipersonal y sobre su destrucción",
        "short_name_fr": "CIMAP",
        "short_name_es": "CPMA",
    }),
    ("Convention", {"short_name": "CCM"}, {
        "full_name_fr": "Convention sur les armes à sous-munitions",
        "full_name_es": "Convención sobre Municiones en Racimo",
        "short_name_fr": "CASM",
        "short_name_es": "CMR",
    }),
    ("ActionPlan", {"name": "Nairobi Action Plan"}, {"name_fr": "Plan d'action de Nairobi", "name_es": "Plan de Acción de Nairobi"}),
    ("ActionPlan", {"name": "Cartagena Action Plan"}, {"name_fr": "Plan d'action de Carthagène", "name_es": "Plan de Acción de Cartagena"}),
    ("ActionPlan", {"name": "Dubrovnik Action Plan"}, {"name_fr": "Plan d'action de Dubrovnik", "name_es": "Plan de Acción de Dubrovnik"}),
    ("ActionPlan", {"name": "Lausanne Action Plan"}, {"name_fr": "Plan d'action de Lausanne", "name_es": "Plan de Acción de Lausana"}),
    ("Organisation", {"name": "International Committee of the Red Cross"}, {
        "name_fr": "Comité international de la Croix-Rouge",
        "name_es": "Comité Internacional de la Cruz Roja",
        "acronym_fr": "CICR",
        "acronym_es": "CICR",
    }),
    ("Organisation", {"name": "International Campaign to Ban Landmines"}, {
        "name_fr": "Campagne internationale pour interdire les mines",
        "name_es": "Campaña Internacional para la Prohibición de las Minas Terrestres",
        "acronym_fr": "ICBL",
        "acronym_es": "ICBL",
    }),
    ("Organisation", {"name": "Humanity and Inclusion"}, {"name_fr": "Handicap International", "acronym_fr": "HI"}),
    ("Venue", {"name": "WMO Building", "city": "Geneva"}, {
        "name_fr": "bâtiment de l'OMM",
        "name_es": "edificio de la OMM",
        "address_fr": "7 bis, avenue de la Paix",
        "city_fr": "Genève",
        "city_es": "Ginebra",
    }),
    ("Room", {"floor": "Ground Floor"}, {"floor_fr": "rez-de-chaussée", "floor_es": "planta baja"}),
    ("Office", {"name": "President"}, {
        "name_fr": "Président", "name_es": "Presidente",
        "feminine_name_fr": "Présidente", "feminine_name_es": "Presidenta",
    }),
]


def fill_names(apps, schema_editor):
    for model_name, english, translations in NAMES:
        model = apps.get_model("meetings", model_name)
        for row in model.objects.filter(**english):
            empty = {k: v for k, v in translations.items() if not getattr(row, k)}
            if empty:
                model.objects.filter(pk=row.pk).update(**empty)


class Migration(migrations.Migration):

    dependencies = [
        ('meetings', '0023_translations_searched'),
    ]

    operations = [
        migrations.AddField(
            model_name='actionplan',
            name='name_es',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name (Spanish)'),
        ),
        migrations.AddField(
            model_name='actionplan',
            name='name_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name (French)'),
        ),
        migrations.AddField(
            model_name='actionplan',
            name='short_name_es',
            field=models.CharField(blank=True, default='', max_length=20, verbose_name='short name (Spanish)'),
        ),
        migrations.AddField(
            model_name='actionplan',
            name='short_name_fr',
            field=models.CharField(blank=True, default='', max_length=20, verbose_name='short name (French)'),
        ),
        migrations.AddField(
            model_name='activity',
            name='text_es',
            field=markdownx.models.MarkdownxField(blank=True, default='', verbose_name='text (Spanish)'),
        ),
        migrations.AddField(
            model_name='activity',
            name='text_fr',
            field=markdownx.models.MarkdownxField(blank=True, default='', verbose_name='text (French)'),
        ),
        migrations.AddField(
            model_name='convention',
            name='full_name_es',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='full name (Spanish)'),
        ),
        migrations.AddField(
            model_name='convention',
            name='full_name_fr',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='full name (French)'),
        ),
        migrations.AddField(
            model_name='convention',
            name='short_name_es',
            field=models.CharField(blank=True, default='', max_length=20, verbose_name='short name (Spanish)'),
        ),
        migrations.AddField(
            model_name='convention',
            name='short_name_fr',
            field=models.CharField(blank=True, default='', max_length=20, verbose_name='short name (French)'),
        ),
        migrations.AddField(
            model_name='mandate',
            name='detail_es',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='detail (Spanish)'),
        ),
        migrations.AddField(
            model_name='mandate',
            name='detail_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='detail (French)'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='text_es',
            field=models.TextField(blank=True, default='', verbose_name='what is planned (Spanish)'),
        ),
        migrations.AddField(
            model_name='milestone',
            name='text_fr',
            field=models.TextField(blank=True, default='', verbose_name='what is planned (French)'),
        ),
        migrations.AddField(
            model_name='newscategory',
            name='name_es',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='name (Spanish)'),
        ),
        migrations.AddField(
            model_name='newscategory',
            name='name_fr',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='name (French)'),
        ),
        migrations.AddField(
            model_name='office',
            name='feminine_name',
            field=models.CharField(blank=True, help_text='Where a language writes the office differently for a woman, as a row naming one holder shows it: “Coprésidente”, “Copresidenta”. Used for a person whose titles are feminine; empty: the name above.', max_length=200, verbose_name='name for a woman holding it'),
        ),
        migrations.AddField(
            model_name='office',
            name='feminine_name_es',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name for a woman holding it (Spanish)'),
        ),
        migrations.AddField(
            model_name='office',
            name='feminine_name_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name for a woman holding it (French)'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='acronym_es',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='acronym (Spanish)'),
        ),
        migrations.AddField(
            model_name='organisation',
            name='acronym_fr',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='acronym (French)'),
        ),
        migrations.AddField(
            model_name='person',
            name='feminine',
            field=models.BooleanField(default=False, help_text='Ticked for a woman: French and Spanish pages give the office she holds its feminine name where the office has one (“Coprésidente”, “Copresidenta”).', verbose_name='titles in the feminine'),
        ),
        migrations.AddField(
            model_name='person',
            name='honorific_es',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='honorific (Spanish)'),
        ),
        migrations.AddField(
            model_name='person',
            name='honorific_fr',
            field=models.CharField(blank=True, default='', max_length=30, verbose_name='honorific (French)'),
        ),
        migrations.AddField(
            model_name='presentation',
            name='title_es',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='title (Spanish)'),
        ),
        migrations.AddField(
            model_name='presentation',
            name='title_fr',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='title (French)'),
        ),
        migrations.AddField(
            model_name='programmerevision',
            name='note_es',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='what changed (Spanish)'),
        ),
        migrations.AddField(
            model_name='programmerevision',
            name='note_fr',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='what changed (French)'),
        ),
        migrations.AddField(
            model_name='room',
            name='floor_es',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='floor (Spanish)'),
        ),
        migrations.AddField(
            model_name='room',
            name='floor_fr',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='floor (French)'),
        ),
        migrations.AddField(
            model_name='room',
            name='name_es',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='name (Spanish)'),
        ),
        migrations.AddField(
            model_name='room',
            name='name_fr',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='name (French)'),
        ),
        migrations.AddField(
            model_name='venue',
            name='address_es',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='address (Spanish)'),
        ),
        migrations.AddField(
            model_name='venue',
            name='address_fr',
            field=models.CharField(blank=True, default='', max_length=300, verbose_name='address (French)'),
        ),
        migrations.AddField(
            model_name='venue',
            name='city_es',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='city (Spanish)'),
        ),
        migrations.AddField(
            model_name='venue',
            name='city_fr',
            field=models.CharField(blank=True, default='', max_length=100, verbose_name='city (French)'),
        ),
        migrations.AddField(
            model_name='venue',
            name='name_es',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name (Spanish)'),
        ),
        migrations.AddField(
            model_name='venue',
            name='name_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='name (French)'),
        ),
        migrations.AddField(
            model_name='workplan',
            name='group_es',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='working group (Spanish)'),
        ),
        migrations.AddField(
            model_name='workplan',
            name='group_fr',
            field=models.CharField(blank=True, default='', max_length=200, verbose_name='working group (French)'),
        ),
        migrations.AlterField(
            model_name='person',
            name='honorific',
            field=models.CharField(blank=True, help_text='e.g. H.E., Dr., Ms.; in French S. E. M., S. E. Mme; in Spanish Excmo. Sr.', max_length=30, verbose_name='honorific'),
        ),
        migrations.RunSQL([WORDS, REFRESH], [BEFORE, REFRESH]),
        migrations.RunPython(fill_names, migrations.RunPython.noop),
    ]
