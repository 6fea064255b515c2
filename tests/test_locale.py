"""The French and Spanish catalogues (locale/) hold a translation of every string a delegate can
meet: the public templates, the PDF's labels, the messages of the public views, and the labels of
the choices the pages show (kinds of session, audiences, months, ...). The strings of the back
office, which is in English only, are not required.

The test extracts the strings afresh from a copy of the code, as `./dev messages` does, so a
string added to a template without its translations fails here, and so does one whose English
changed (gettext then marks the old translation fuzzy)."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
# What a delegate reads; the rest of meetings/ (models' field names, the admin) is the back office.
PUBLIC = (
    "templates/404.html",
    "templates/500.html",
    "templates/base.html",
    "templates/meetings/",
    "meetings/public/",
    "meetings/publishing/",
    "meetings/queries.py",
    "meetings/search.py",
    "meetings/languages.py",
    "meetings/templatetags/",
)
TRANSLATED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None, reason="needs gettext (./dev setup installs it)"
)


def choice_labels():
    labels = set()
    for model in apps.get_app_config("meetings").get_models():
        for field in model._meta.get_fields():
            for _value, label in getattr(field, "choices", None) or []:
                labels.add(str(label))
    return labels


def copy_code(tree):
    """What makemessages reads and writes, copied to `tree` (compiled catalogues left out)."""
    for name in ("meetings", "templates", "vapp", "locale"):
        shutil.copytree(ROOT / name, tree / name, ignore=shutil.ignore_patterns("*.mo"))
    shutil.copy(ROOT / "manage.py", tree)


def make_messages(tree, languages):
    """Extract the strings of the code in `tree` into its catalogues, merging them as
    `./dev messages` does, and return {language: polib file}."""
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "--add-location", "file", "-v", "0"]
        + [f"--locale={code}" for code in languages],
        cwd=tree,
        check=True,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "true",
            "DJANGO_SETTINGS_MODULE": "vapp.settings",
            "DATABASE_URL": os.environ["DATABASE_URL"],  # read, never connected to
        },
    )
    return {
        code: polib.pofile(tree / "locale" / code / "LC_MESSAGES" / "django.po")
        for code in languages
    }


def untranslated(catalogue, labels):
    """The public strings of `catalogue` without a (non-fuzzy) translation."""
    missing = []
    for entry in catalogue:
        files = [path for path, _line in entry.occurrences]
        public = any(path.startswith(PUBLIC) for path in files) or entry.msgid in labels
        if entry.obsolete or not public:
            continue
        if "fuzzy" in entry.flags or not entry.translated():
            missing.append(entry.msgid)
    return missing


@pytest.fixture(scope="module")
def catalogues(tmp_path_factory):
    tree = tmp_path_factory.mktemp("code")
    copy_code(tree)
    return make_messages(tree, TRANSLATED)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_public_string_is_translated(catalogues, language):
    assert untranslated(catalogues[language], choice_labels()) == []


@pytest.mark.parametrize("language", TRANSLATED)
def test_the_translations_keep_every_placeholder(catalogues, language):
    """'%(title)s' in the English must be in the translation too, or the page would fail."""
    for entry in catalogues[language].translated_entries():
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        english = set(re.findall(r"%\(\w+\)s", entry.msgid))
        for form in forms:
            assert set(re.findall(r"%\(\w+\)s", form)) == english, entry.msgid


def test_a_template_string_without_translation_is_caught(tmp_path):
    """The control: the same check fails on a new string nobody has translated."""
    copy_code(tmp_path)
    (tmp_path / "templates" / "meetings" / "new.html").write_text(
        '{% load i18n %}<p>{% translate "A sentence nobody has translated yet" %}</p>'
    )
    catalogue = make_messages(tmp_path, ["fr"])["fr"]
    assert untranslated(catalogue, choice_labels()) == ["A sentence nobody has translated yet"]


def _msgstrs(code):
    catalogue = polib.pofile(ROOT / "locale" / code / "LC_MESSAGES" / "django.po")
    for entry in catalogue.translated_entries():
        yield from (entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr])


def test_the_catalogues_keep_their_house_style():
    """The choices written in each catalogue's header comment (issue 24's review): the French
    CCM acronym is CASM, a French ";" has a non-breaking space before it, the Spanish "n.º" one
    after it, and no catalogue says that a session implements an action."""
    french, spanish = list(_msgstrs("fr")), list(_msgstrs("es"))
    assert not [s for s in french if "CCASM" in s or "APMBC" in s or re.search(r"\bCCM\b", s)]
    assert not [s for s in french if re.search(r"[^\u00a0];", s)]
    assert not [s for s in french if "mettent en œuvre" in s or "mises en œuvre" in s]
    assert not [s for s in spanish if re.search(r"n\.º(?!\u00a0)", s)]
    for code in TRANSLATED:
        header = (
            (ROOT / "locale" / code / "LC_MESSAGES" / "django.po").read_text().split("msgid")[0]
        )
        assert "#, fuzzy" not in header and "House style" in header


def test_the_catalogues_quote_with_their_languages_marks():
    """French quotes « … » with a non-breaking space inside each mark; Spanish «…», English
    quotation marks “…” only inside them (a quote within a quote), as the header comments say."""
    french, spanish = list(_msgstrs("fr")), list(_msgstrs("es"))
    assert not [s for s in french if re.search(r"«(?!\u00a0)|(?<!\u00a0)»|[“”]", s)]
    assert not [s for s in spanish if re.search(r"«\s|\s»", s)]
    assert not [s for s in spanish if "“" in s and "«" not in s]


def test_the_french_catalogue_writes_the_straight_apostrophe_as_the_data_does():
    """One apostrophe in a French line: the catalogue's "Plans d'action" beside the data's
    "Plan d'action de Carthagène" (the header comment's choice)."""
    assert not [s for s in _msgstrs("fr") if "\u2019" in s]
    assert [s for s in _msgstrs("fr") if "Unité d'appui à l'application" in s]
