"""French and Spanish versions of the texts a delegate reads.

`@translated("title", "summary")` on a model gives each named field a copy per other language:
`title_fr`, `title_es`, of the same kind, optional, edited beside the English in the admin. The
English stays in `title`, the source every page falls back to. meetings/languages.py reads them.
"""

import unicodedata

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

# The languages a text may be translated into: every one of the site's but the source, English.
TRANSLATIONS = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
LANGUAGE_NAMES = {"fr": _("French"), "es": _("Spanish")}


# Characters that show nothing: spaces of every width, and format characters (category Cf, the
# zero-width space U+200B, joiners U+200C-U+200D, word joiner U+2060, byte-order mark U+FEFF).
INVISIBLE_CATEGORIES = {"Cf", "Zs", "Zl", "Zp"}


def shows_nothing(text):
    """Whether `text` is empty or made only of characters that show nothing: a translation of
    only a zero-width space would blank a title where the English should stand in."""
    return all(
        char.isspace() or unicodedata.category(char) in INVISIBLE_CATEGORIES for char in text
    )


def names(field):
    """'title' -> ['title_fr', 'title_es']: the columns of a field's translations."""
    return [f"{field}_{code}" for code in TRANSLATIONS]


def values(obj):
    """{'title_fr': ..., 'title_es': ..., ...}: the translations of `obj`, to copy them."""
    return {
        column: getattr(obj, column) for name in obj.translated_fields for column in names(name)
    }


def in_language(obj, name):
    """Field `name` of `obj` in the active language, the English where it has no translation
    there: what `__str__` of a translated name gives, so that French and Spanish pages, PDFs and
    calendars name things in their language wherever they show one (the template tags `tr`,
    `tr_text` also mark the English)."""
    return getattr(obj, f"{name}_{get_language()}", "") or getattr(obj, name)


def translated(*names):
    """A class decorator adding `<name>_<language>` for each named field and language."""

    def add_translations(model):
        for name in names:
            field = model._meta.get_field(name)
            _name, _path, args, kwargs = field.deconstruct()
            for code in TRANSLATIONS:
                kwargs.update(
                    blank=True,
                    default="",
                    verbose_name=format_lazy("{} ({})", field.verbose_name, LANGUAGE_NAMES[code]),
                    help_text="",
                )
                for option in ("unique", "db_index", "null"):
                    kwargs.pop(option, None)
                model.add_to_class(f"{name}_{code}", field.__class__(*args, **kwargs))
        model.translated_fields = names
        return model

    return add_translations
