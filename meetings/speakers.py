"""Who took the floor, as pages, the PDF, open data, calendars and the statements zip say it.

An agenda item's statements read as the real pages write them: "Updates from: Afghanistan,
Albania, ... Croatia and Eritrea." "Comments/questions: the ICBL and Mexico." Each group is one
sentence (a label, then the names joined with commas and the page language's "and"), each name
linking its statement file in the page's language where there is one. Names come in the page's
language (State.name_fr, ...; the English, marked lang="en", where a translation is missing);
"the" is written in English where State.with_article says so.
"""

import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import languages
from .models import State, Statement

# What heads each group's sentence, as the real agendas word it.
GROUP_LABELS = {
    Statement.Group.OPENING: _("Opening remarks:"),
    Statement.Group.UPDATES: _("Updates from:"),
    Statement.Group.STATEMENTS: _("Statements by:"),
    Statement.Group.COMMENTS: _("Comments/questions:"),
    Statement.Group.CLOSING: _("Closing remarks:"),
}


def name_text(delegation, language=None):
    """(A State's or organisation's name as running text in `language`, the active one by
    default; True where that is the English standing in for a missing translation). A State by
    its short name where it has one ("Lao PDR"), with "the" in English where the UN writes it
    ("the Sudan"); an organisation by its acronym where it has one ("ICBL")."""
    language = language or languages.active()
    if isinstance(delegation, State):
        short, fallback = languages.text(delegation, "short_name", language)
        name, name_fallback = languages.text(delegation, "name", language)
        # No short name (in this language): the full name, in it where there is one.
        if not short.strip() or (fallback and not name_fallback):
            short, fallback = name, name_fallback
        if delegation.with_article and (language == settings.LANGUAGE_CODE or fallback):
            short = f"the {short}"
        return short, fallback
    if delegation.acronym:
        return languages.text(delegation, "acronym", language)
    return languages.text(delegation, "name", language)


def name_html(delegation):
    """name_text() as HTML: an acronym in <abbr> with the full name; the English standing in
    for a translation marked lang="en"."""
    text, fallback = name_text(delegation)
    if not isinstance(delegation, State) and delegation.acronym:
        full = languages.text(delegation, "name")[0]
        abbr = format_html('<abbr title="{}">{}</abbr>', full, text)
        return languages.marked(abbr, fallback)
    if fallback:
        return format_html(
            '<span lang="{}" {}>{}</span>',
            settings.LANGUAGE_CODE,
            languages.UNTRANSLATED_MARK,
            text,
        )
    return format_html("{}", text)


def person_html(person):
    """A person as pages name them, the honorific in the page's language: "S. E. M. Prak
    Sokhonn"; the English honorific, where its translation is missing, marked lang="en"."""
    honorific = languages.html(person, "honorific")
    if not honorific:
        return format_html("{}", person.name)
    return format_html("{} {}", honorific, person.name)


def presenter_html(person, delegation_state=None):
    """A presenter as a programme names them: "Herbert Baryayebwa (Ouganda)", the State they
    represent in the page's language after their name (without "the": "(Sudan)"), the English
    marked lang="en" where its translation is missing; their name alone where they represent
    no State, or the one their presentation already names as its delegation (`delegation_state`)."""
    state = person.state
    if state is None or state == delegation_state:
        return person_html(person)
    text, fallback = name_text(state)
    return format_html(
        "{} ({})", person_html(person), languages.marked(text.removeprefix("the "), fallback)
    )


def presenters_html(presentation):
    """A presentation's presenters as a sentence lists them, each with their State
    (presenter_html): "Herbert Baryayebwa (Ouganda) et Amina Diallo"."""
    people = list(presentation.presenters.all())
    separators_ = separators([str(person) for person in people])
    return format_html_join(
        "",
        "{}{}",
        (
            (presenter_html(person, presentation.delegation_state), after)
            for person, after in zip(people, separators_, strict=True)
        ),
    )


def speaker_text(statement, language=None):
    """'UNICEF on behalf of UNMAT', 'Lao PDR' as plain text (open data, calendars)."""
    text = name_text(statement.delegation, language)[0]
    if statement.on_behalf_of is not None:
        other = name_text(statement.on_behalf_of, language)[0]
        text = gettext("%(delegation)s on behalf of %(other)s") % {
            "delegation": text,
            "other": other,
        }
    return text


def _starts_with_i_sound(word):
    """Spanish writes "e", not "y", before a word starting with the sound "i" (España e Italia,
    Francia e Irlanda), but not before "hie", "hia" (y hielo) or "y" itself."""
    plain = "".join(
        c for c in unicodedata.normalize("NFD", word.lower()) if not unicodedata.combining(c)
    )
    if plain.startswith("hi"):
        plain = plain[1:]
    return plain.startswith("i") and plain[1:2] not in ("a", "e", "o", "u")


def separators(names, language=None):
    """What follows each of `names` (plain texts) in a sentence: ', ' between, the page
    language's "and" before the last, '' after it."""
    language = language or languages.active()
    if not names:
        return []
    result = [", "] * (len(names) - 2) + ([""] if len(names) == 1 else [None, ""])
    if len(names) > 1:
        with translation.override(language):
            conjunction = gettext("and")
        if language == "es" and _starts_with_i_sound(names[-1]):
            conjunction = "e"
        result[-2] = f" {conjunction} "
    return result


def ordered_documents(documents, language=None):
    """Statement files with the page language's first, then English, then the rest."""
    language = language or languages.active()
    rank = {language: 0, settings.LANGUAGE_CODE: 1}
    return sorted(documents, key=lambda d: (rank.get(d.language, 2), d.language, d.pk))


@dataclass
class Speaker:
    statement: Statement
    name: str  # HTML
    on_behalf_of: str  # HTML, or ""
    text: str  # plain, for separators
    documents: list  # the page language's first; held files only
    after: str = ""  # what follows it in the sentence


@dataclass
class Group:
    value: int
    label: str
    speakers: list = field(default_factory=list)


def statement_groups(statements):
    """The statements of one agenda item (in their order) as the page's sentences, in the
    active language."""
    groups = []
    for statement in statements:
        if not groups or groups[-1].value != statement.group:
            groups.append(Group(statement.group, GROUP_LABELS[Statement.Group(statement.group)]))
        documents = [d for d in statement.documents.all() if d.file]
        behalf = statement.on_behalf_of
        groups[-1].speakers.append(
            Speaker(
                statement=statement,
                name=name_html(statement.delegation),
                on_behalf_of=name_html(behalf) if behalf is not None else "",
                text=name_text(statement.delegation)[0],
                documents=ordered_documents(documents),
            )
        )
    for group in groups:
        for speaker, after in zip(
            group.speakers, separators([s.text for s in group.speakers]), strict=True
        ):
            speaker.after = after
    return groups


def group_sentence(statements, language=None):
    """'Updates from: Afghanistan, Albania and Eritrea.', each group, as plain text in
    `language` (the active one by default)."""
    with translation.override(language or languages.active()):
        return _group_sentences(statements, language)


def _group_sentences(statements, language):
    sentences = []
    current, names = None, []

    def flush():
        if names:
            joined = "".join(
                name + after for name, after in zip(names, separators(names, language), strict=True)
            )
            sentences.append(f"{GROUP_LABELS[Statement.Group(current)]} {joined}.")

    for statement in statements:
        if statement.group != current:
            flush()
            current, names = statement.group, []
        names.append(speaker_text(statement, language))
    flush()
    return sentences


def panellist_text(panellist, language=None):
    """'Ms. Kerryn Clarke, Programme Manager, COPE, Lao PDR', the organisation and country in
    the page's language."""
    name = f"{panellist.title} {panellist.name}" if panellist.title else panellist.name
    parts = [name, panellist.post]
    if panellist.organisation is not None:
        parts.append(name_text(panellist.organisation, language)[0])
    if panellist.state is not None:
        parts.append(name_text(panellist.state, language)[0].removeprefix("the "))
    return ", ".join(part for part in parts if part)
