"""Publishing a programme as a numbered revision, discarding unpublished changes, and saying
what changed between two versions.

Staff edit a programme's working copy. Publishing copies it whole into a published copy, which
is what delegates read (models.common.PublicQuerySet); the copy of the revision before stays,
read only, as an earlier revision. A revision also keeps a snapshot of what a delegate reads
(the programme's texts and documents; its sessions keyed by their uid, with their day, times,
room, purpose, presenters, documents, questions, actions, statements by delegation,
panellists and recordings; the programme's and each session's link to follow it remotely,
whether it is hybrid and its interpretation), so the "Changes" page says what
changed by reading one row per revision: changes() compares two snapshots, and a snapshot
taken before a key was kept says nothing of it (nothing is said to have changed there).
Texts that changed are shown word by word (wording.py).

Each sentence is said in the language of the page reading it. A snapshot keeps, beside each
text in English ("title", "questions"...), its translations ("title_fr", "questions_fr"...),
its documents' titles with their language's code ("document_files"), and its statements'
delegations named in each language ("speakers"); two snapshots are compared in the page's
language where both keep it, else in English, which a French or Spanish page shows marked
lang="en" (snapshots taken before the translations were kept hold only the English).
"""

from collections import Counter
from difflib import SequenceMatcher
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from meetings import copying, languages, speakers
from meetings.models import (
    DiscussionQuestion,
    Document,
    Edition,
    Meeting,
    Panellist,
    Presentation,
    Programme,
    ProgrammeRevision,
    Recording,
    Session,
    Statement,
    Status,
)
from meetings.models.remote import language_names
from meetings.models.translations import TRANSLATIONS
from meetings.publishing.wording import (
    DELETE,
    EQUAL,
    INSERT,
    Change,
    move,
    text_change,
    when,
    word_diff,
)

ENGLISH = settings.LANGUAGE_CODE


def _presentation(p):
    people = [str(person) for person in p.presenters.all()]
    organisations = [org.acronym or org.name for org in p.organisations.all()]
    delegation = [str(x) for x in (p.delegation_state, p.delegation_organisation) if x]
    return ", ".join([*people, *organisations, *delegation]) or p.title


def _document(document):
    """ "Title (English)", as snapshots have always kept a document: compared with those taken
    before "document_files" was kept."""
    with translation.override(ENGLISH):
        return f"{document.title} ({document.get_language_display()})"


def _document_file(document):
    """[title, language code]: the language named in the page's language when it is read."""
    return [document.title, document.language]


def _translations(obj, *names):
    """{"title_fr": ..., "title_es": ...} of fields `names` of `obj`."""
    return {
        f"{name}_{code}": getattr(obj, f"{name}_{code}") for name in names for code in TRANSLATIONS
    }


def _statement(statement):
    """[group, "UNICEF on behalf of UNMAT"] in English, as snapshots have always kept it: the
    group's number, so that the sentence names it in the language it is read in."""
    with translation.override(ENGLISH):
        text = str(statement.delegation)
        if statement.on_behalf_of:
            text = f"{text} on behalf of {statement.on_behalf_of}"
    return [statement.group, text]


def _names(delegation):
    """{"en": "Algeria", "fr": "Algérie", "es": ""}: a delegation's name in each language, ""
    where it has none but the English."""
    names = {ENGLISH: speakers.name_text(delegation, ENGLISH)[0]}
    for code in TRANSLATIONS:
        name, fallback = speakers.name_text(delegation, code)
        names[code] = "" if fallback else name
    return names


def _speaker(statement):
    """[group, names, names of whom it spoke on behalf or None]: the sentence says "on behalf
    of" in the language it is read in."""
    behalf = statement.on_behalf_of
    return [statement.group, _names(statement.delegation), _names(behalf) if behalf else None]


def session_entry(s):
    """What the public reads of one session (loaded with session_prefetches)."""
    statement_files = [d for st in s.statements.all() for d in st.documents.all()]
    documents = [*(p.document for p in s.presentations.all() if p.document), *statement_files]
    questions = list(s.questions.all())
    return {
        "title": s.title,
        **_translations(s, "title", "purpose"),
        "kind": s.kind,
        "date": s.date.isoformat() if s.date else None,
        "start": s.start_time.strftime("%H:%M") if s.start_time else None,
        "end": s.end_time.strftime("%H:%M") if s.end_time else None,
        "room": str(s.room) if s.room else None,
        "purpose": s.purpose,
        "presenters": [_presentation(p) for p in s.presentations.all()],
        "documents": [_document(d) for d in documents],
        "document_files": [_document_file(d) for d in documents],
        "questions": [q.text for q in questions],
        **{
            f"questions_{code}": [getattr(q, f"text_{code}") for q in questions]
            for code in TRANSLATIONS
        },
        "actions": [str(action) for action in s.actions.all()],
        "statements": [_statement(statement) for statement in s.statements.all()],
        "speakers": [_speaker(statement) for statement in s.statements.all()],
        "panellists": [str(panellist) for panellist in s.panellists.all()],
        **_remote(s),
        "recordings": [[r.kind, r.language, r.url] for r in s.recordings.all()],
    }


def _remote(row):
    """A programme's or session's own link to follow it remotely, whether it is hybrid (a
    session's None: as its programme) and its interpretation languages' codes."""
    return {
        "remote_url": row.remote_url,
        "hybrid": row.hybrid,
        "interpretation": list(row.interpretation),
    }


def snapshot(programme, sessions=None):
    """What the public reads of `programme` (loaded by queries.programmes_in_full), its
    sessions keyed by their uid, the same in every copy of the programme. `sessions`: its
    sessions read apart (copying.content_rows), when they are not loaded on it."""
    sessions = programme.sessions.all() if sessions is None else sessions
    return {
        "title": programme.title,
        "background": programme.background,
        "focus": programme.focus,
        **_translations(programme, "title", "background", "focus"),
        "documents": [_document(d) for d in programme.listed_documents],
        "document_files": [_document_file(d) for d in programme.listed_documents],
        **_remote(programme),
        "sessions": {str(s.uid): session_entry(s) for s in sessions},
    }


def _order(session):
    """Sessions in the order of the timetable (undated ones first), then by title: each list of
    changes reads the same every time."""
    return (session.get("date") or "", session.get("start") or "", session["title"])


def _both(before, after, key):
    """Whether both snapshots hold `key`: one taken before the key was kept says nothing of it,
    so nothing is said to have changed."""
    return key in before and key in after


class Shown(str):
    """A text of a snapshot as a sentence shows it: equal to its plain text, with `html`, the
    text escaped, or marked lang="en" where it is the English standing in for the page's
    language (`english`)."""

    def __new__(cls, text, english=False, html=None):
        shown = super().__new__(cls, text)
        shown.english = english
        if html is None:
            html = _english_html(text) if english else conditional_escape(text)
        shown.html = html
        return shown


def _english_html(html):
    return format_html('<span lang="{}" {}>{}</span>', ENGLISH, languages.UNTRANSLATED_MARK, html)


def _html(value):
    return getattr(value, "html", None) or conditional_escape(value)


def _formatted(sentence, values):
    """(`sentence` % `values` as plain text, and as HTML: its Shown values as they show)."""
    plain = sentence % values
    html = conditional_escape(sentence) % {key: _html(value) for key, value in values.items()}
    return plain, mark_safe(html)  # the sentence and each value escaped


def _said(sentence, **values):
    """A Change saying `sentence` with `values`, English standing in for a translation marked."""
    plain, html = _formatted(sentence, values)
    return Change(plain, [(EQUAL, html)])


def _shown(english, translated=""):
    """The translation where there is one; else the English, marked on a page in another
    language."""
    if translated and translated.strip():
        return Shown(translated)
    english = english or ""
    return Shown(english, english=languages.active() != ENGLISH and bool(english.strip()))


def _in(a, b, key):
    """The language text `key` of snapshots (or sessions) `a` and `b` is compared and shown in:
    the page's where both keep its translations, else English (like is compared with like)."""
    language = languages.active()
    if language != ENGLISH and f"{key}_{language}" in a and f"{key}_{language}" in b:
        return language
    return ENGLISH


def _text(entry, key, language):
    translated = entry.get(f"{key}_{language}", "") if language != ENGLISH else ""
    return _shown(entry.get(key), translated)


def _texts(entry, key, language):
    """List `key` of `entry` (the questions) in `language`, item by item."""
    english = entry.get(key, [])
    translated = entry.get(f"{key}_{language}", []) if language != ENGLISH else []
    return [
        _shown(text, translated[n] if n < len(translated) else "") for n, text in enumerate(english)
    ]


def _title(entry):
    """A session's title as sentences name it, in the page's language where it has one."""
    return _text(entry, "title", languages.active())


def title(snapshot):
    """A snapshot's title as plain text in the page's language, where it keeps one."""
    return str(_title(snapshot))


def _document_shown(document):
    """ "Title (French)": the title in the document's language, the language's name in the
    page's."""
    title, code = document
    label = Document.Language(code).label if code in Document.Language.values else code
    if code == languages.active():
        title_html = conditional_escape(title)
    else:
        title_html = format_html('<span lang="{}">{}</span>', code, title)
    return Shown(f"{title} ({label})", html=format_html("{} ({})", title_html, label))


def _documents(a, b):
    """The documents of `a` and `b`, in the page's language where both keep their languages'
    codes, else in English as they were kept."""
    if "document_files" in a and "document_files" in b:
        return [_document_shown(d) for d in a["document_files"]], [
            _document_shown(d) for d in b["document_files"]
        ]
    return [_shown(d) for d in a["documents"]], [_shown(d) for d in b["documents"]]


def _speaker_shown(speaker):
    group, names, behalf = speaker
    language = languages.active()

    def named(names):
        return _shown(
            names.get(ENGLISH, ""), names.get(language, "") if language != ENGLISH else ""
        )

    delegation = named(names)
    if behalf is None:
        return group, delegation
    plain, html = _formatted(
        _("%(delegation)s on behalf of %(other)s"),
        {"delegation": delegation, "other": named(behalf)},
    )
    return group, Shown(plain, html=html)


def _speakers(a, b):
    """[(group, delegation)] of `a` and `b`, in the page's language where both keep "speakers",
    else in English as they were kept."""
    if "speakers" in a and "speakers" in b:
        return [_speaker_shown(x) for x in a["speakers"]], [
            _speaker_shown(x) for x in b["speakers"]
        ]
    return [(g, _shown(text)) for g, text in a["statements"]], [
        (g, _shown(text)) for g, text in b["statements"]
    ]


_MARK = "\x00"


def _text_change(plain, shown, old, new, cut=False, **values):
    """text_change() of the Shown texts `old` and `new`: where English stands in for a
    translation (in them or in `values`), the parts shown are HTML, that English marked."""
    change = text_change(plain, shown, old, new, cut, **values)
    if not any(getattr(v, "english", False) for v in (old, new, *values.values())):
        return change
    html = {key: _html(value) for key, value in values.items()}
    before, after = (conditional_escape(shown) % {**html, "change": _MARK}).split(_MARK)
    english = {DELETE: old.english, INSERT: new.english, EQUAL: old.english and new.english}
    parts = [(EQUAL, mark_safe(before))]  # the sentence and its values escaped
    for op, text in word_diff(old, new, cut):
        parts.append((op, _english_html(text) if english[op] else conditional_escape(text)))
    parts.append((EQUAL, mark_safe(after)))
    joined = []
    for op, part in parts:
        if joined and joined[-1][0] == op:
            joined[-1] = (op, joined[-1][1] + part)
        elif part:
            joined.append((op, part))
    return Change(change, joined)


def _added_and_removed(old, new):
    """The items of list `new` not in `old` (in the order of `new`) and of `old` not in `new` (in
    the order of `old`); an item listed twice counts twice."""

    def left_out(items, others):
        extra = Counter(items) - Counter(others)
        found = []
        for item in items:
            if extra[item] > 0:
                found.append(item)
                extra[item] -= 1
        return found

    return left_out(new, old), left_out(old, new)


def _likeness(a, b):
    return SequenceMatcher(None, a.split(), b.split(), autojunk=False).ratio()


def _rewordings(removed, added):
    """Of the questions `removed` and `added`, the pairs (old, new) where one was reworded into
    the other (half of their words alike or more, the likest first), and those left removed
    and added."""
    pairs, added, gone = [], list(added), []
    for old in removed:
        new = max(added, key=lambda text: _likeness(old, text), default=None)
        if new is not None and _likeness(old, new) >= 0.5:
            pairs.append((old, new))
            added.remove(new)
        else:
            gone.append(old)
    return pairs, gone, added


def _kind(value):
    return Session.Kind(value).label if value in Session.Kind.values else value


def _programme_changes(before, after):
    said = []
    language = _in(before, after, "title")
    old, new = _text(before, "title", language), _text(after, "title", language)
    if old != new:
        said.append(
            _text_change(
                _("Programme retitled: “%(old)s” → “%(new)s”."),
                _("Programme retitled: “%(change)s”."),
                old,
                new,
            )
        )
    texts = (
        (
            "background",
            _("Background changed: “%(old)s” → “%(new)s”."),
            _("Background changed: “%(change)s”."),
        ),
        (
            "focus",
            _("Focus changed: “%(old)s” → “%(new)s”."),
            _("Focus changed: “%(change)s”."),
        ),
    )
    for key, plain, shown in texts:
        if not _both(before, after, key):
            continue
        language = _in(before, after, key)
        old, new = _text(before, key, language), _text(after, key, language)
        if old != new:
            said.append(_text_change(plain, shown, old, new, cut=True))
    if _both(before, after, "documents"):
        added, removed = _added_and_removed(*_documents(before, after))
        for document in removed:
            said.append(
                _said(_("Document removed from the programme: %(document)s."), document=document)
            )
        for document in added:
            said.append(
                _said(_("Document added to the programme: %(document)s."), document=document)
            )
    said += _remote_changes(
        before,
        after,
        (
            _("Link to follow the programme remotely changed: %(old)s → %(new)s."),
            _("Hybrid participation in the programme changed: %(old)s → %(new)s."),
            _("Interpretation of the programme changed: %(old)s → %(new)s."),
        ),
        _("none"),
    )
    return said


def _hybrid(value):
    if value is None:
        return _("as its programme")
    return _("yes") if value else _("no")


def _interpretation(codes, empty):
    return ", ".join(language_names(codes)) or empty


def _remote_changes(a, b, texts, empty, **values):
    """Sentences for a changed remote link, hybrid participation or interpretation of `a` to
    `b` (a programme's or a session's): `texts` says each; `empty` names no interpretation
    (a session's: as its programme)."""
    said = []
    none = _("none")
    link_text, hybrid_text, interpretation_text = texts
    if _both(a, b, "remote_url") and a["remote_url"] != b["remote_url"]:
        said.append(
            _said(link_text, old=a["remote_url"] or none, new=b["remote_url"] or none, **values)
        )
    if _both(a, b, "hybrid") and a["hybrid"] != b["hybrid"]:
        old, new = _hybrid(a["hybrid"]), _hybrid(b["hybrid"])
        said.append(_said(hybrid_text, old=old, new=new, **values))
    if _both(a, b, "interpretation") and a["interpretation"] != b["interpretation"]:
        old = _interpretation(a["interpretation"], empty)
        new = _interpretation(b["interpretation"], empty)
        said.append(_said(interpretation_text, old=old, new=new, **values))
    return said


def _recording(recording):
    kind, language, url = recording
    kind = Recording.Kind(kind).label if kind in Recording.Kind.values else kind
    label = dict(Recording.LANGUAGES).get(language, language)
    return f"{kind}, {label} ({url})"


def _question_changes(name, a, b):
    if a == b:
        return []
    added, removed = _added_and_removed(a, b)
    reworded, removed, added = _rewordings(removed, added)
    said = [
        _text_change(
            _("Question of “%(title)s” reworded: “%(old)s” → “%(new)s”."),
            _("Question of “%(title)s” reworded: “%(change)s”."),
            old,
            new,
            title=name,
        )
        for old, new in reworded
    ]
    for question in removed:
        said.append(
            _said(
                _("Question removed from “%(title)s”: “%(question)s”."),
                title=name,
                question=question,
            )
        )
    for question in added:
        said.append(
            _said(
                _("Question added to “%(title)s”: “%(question)s”."), title=name, question=question
            )
        )
    if not said:  # the same questions, in another order
        said.append(_said(_("Questions of “%(title)s” put in a new order."), title=name))
    return said


def _listed_changes(name, a, b, added_text, removed_text, key):
    added, removed = _added_and_removed(a, b)
    return [_said(removed_text, title=name, **{key: item}) for item in removed] + [
        _said(added_text, title=name, **{key: item}) for item in added
    ]


def _group(value):
    return Statement.Group(value).label if value in Statement.Group.values else value


def _statement_changes(name, a, b):
    """Delegations added to or removed from a group of the session's statements, and groups
    whose delegations took the floor in a new order."""
    said = []
    for group in sorted({g for g, _text in a} | {g for g, _text in b}):
        old = [text for g, text in a if g == group]
        new = [text for g, text in b if g == group]
        if old == new:
            continue
        added, removed = _added_and_removed(old, new)
        values = {"title": name, "group": str(_group(group))}
        for delegation in removed:
            said.append(
                _said(
                    _("“%(title)s”: %(delegation)s removed from %(group)s."),
                    **values,
                    delegation=delegation,
                )
            )
        for delegation in added:
            said.append(
                _said(
                    _("“%(title)s”: %(delegation)s added to %(group)s."),
                    **values,
                    delegation=delegation,
                )
            )
        if not added and not removed:
            said.append(_said(_("“%(title)s”: %(group)s put in a new order."), **values))
    return said


def _panellist_changes(name, a, b):
    if a == b:
        return []
    said = _listed_changes(
        name,
        a,
        b,
        _("Panellist added to “%(title)s”: %(panellist)s."),
        _("Panellist removed from “%(title)s”: %(panellist)s."),
        "panellist",
    )
    return said or [_said(_("Panellists of “%(title)s” put in a new order."), title=name)]


def _session_changes(a, b):
    """What changed in one session, snapshot entry `a` to `b`."""
    said = []
    name = _title(b)
    none = _("none")
    language = _in(a, b, "title")
    old, new = _text(a, "title", language), _text(b, "title", language)
    if old != new:
        said.append(
            _text_change(
                _("Session retitled: “%(old)s” → “%(new)s”."),
                _("Session retitled: “%(change)s”."),
                old,
                new,
            )
        )
    if _both(a, b, "kind") and a["kind"] != b["kind"]:
        said.append(
            _said(
                _("Type of “%(title)s” changed: %(old)s → %(new)s."),
                title=name,
                old=str(_kind(a["kind"])),
                new=str(_kind(b["kind"])),
            )
        )
    moments = ("date", "start", "end")
    if [a.get(k) for k in moments] != [b.get(k) for k in moments]:
        said.append(_said(_("“%(title)s” moved: %(move)s."), title=name, move=move(a, b)))
    if a.get("room") != b.get("room"):
        said.append(
            _said(
                _("“%(title)s” changed room: %(old)s → %(new)s."),
                title=name,
                old=a.get("room") or none,
                new=b.get("room") or none,
            )
        )
    if _both(a, b, "purpose"):
        language = _in(a, b, "purpose")
        old, new = _text(a, "purpose", language), _text(b, "purpose", language)
        if old != new:
            said.append(
                _text_change(
                    _("Purpose of “%(title)s” changed: “%(old)s” → “%(new)s”."),
                    _("Purpose of “%(title)s” changed: “%(change)s”."),
                    old,
                    new,
                    cut=True,
                    title=name,
                )
            )
    if a.get("presenters", []) != b.get("presenters", []):
        said.append(
            _said(
                _("Presenters of “%(title)s” changed: %(old)s → %(new)s."),
                title=name,
                old="; ".join(a.get("presenters", [])) or none,
                new="; ".join(b.get("presenters", [])) or none,
            )
        )
    if _both(a, b, "documents"):
        said += _listed_changes(
            name,
            *_documents(a, b),
            _("Document added to “%(title)s”: %(document)s."),
            _("Document removed from “%(title)s”: %(document)s."),
            "document",
        )
    language = _in(a, b, "questions")
    said += _question_changes(
        name, _texts(a, "questions", language), _texts(b, "questions", language)
    )
    if _both(a, b, "actions"):
        said += _listed_changes(
            name,
            a["actions"],
            b["actions"],
            _("“%(title)s” now serves %(action)s."),
            _("“%(title)s” no longer serves %(action)s."),
            "action",
        )
    if _both(a, b, "statements"):
        said += _statement_changes(name, *_speakers(a, b))
    if _both(a, b, "panellists"):
        said += _panellist_changes(name, a["panellists"], b["panellists"])
    said += _remote_changes(
        a,
        b,
        (
            _("Link to follow “%(title)s” remotely changed: %(old)s → %(new)s."),
            _("Hybrid participation in “%(title)s” changed: %(old)s → %(new)s."),
            _("Interpretation of “%(title)s” changed: %(old)s → %(new)s."),
        ),
        _("as its programme"),
        title=name,
    )
    if _both(a, b, "recordings"):
        said += _listed_changes(
            name,
            [_recording(r) for r in a["recordings"]],
            [_recording(r) for r in b["recordings"]],
            _("Recording added to “%(title)s”: %(recording)s."),
            _("Recording removed from “%(title)s”: %(recording)s."),
            "recording",
        )
    return said


def changes(before, after, unchanged=None):
    """Sentences, in the active language, saying what changed from snapshot `before` to `after`:
    each a Change, equal to its plain text, whose `segments` mark the words removed and
    inserted where a text changed, and English standing in for a translation lang="en" (HTML,
    then). `unchanged` is what is said when nothing did."""
    if not before:
        return [Change(_("First published."))]
    said = _programme_changes(before, after)
    old, new = before.get("sessions", {}), after.get("sessions", {})
    for key in sorted(new.keys() - old.keys(), key=lambda k: _order(new[k])):
        said.append(
            _said(
                _("Session added: “%(title)s” (%(when)s)."),
                title=_title(new[key]),
                when=when(new[key]),
            )
        )
    for key in sorted(old.keys() - new.keys(), key=lambda k: _order(old[k])):
        said.append(_said(_("Session removed: “%(title)s”."), title=_title(old[key])))
    for key in sorted(old.keys() & new.keys(), key=lambda k: _order(new[k])):
        said += _session_changes(old[key], new[key])
    if unchanged is None:
        unchanged = [Change(_("No change to the sessions (the note says what changed)."))]
    return said or unchanged


class MeetingIsDraft(Exception):
    """The programme's meeting is a draft: published alone, the programme would show nobody."""

    def __init__(self, meeting):
        super().__init__(f"{meeting} is a draft")
        self.meeting = meeting


class AddressTaken(Exception):
    """Another programme of the meeting is published at this programme's address (its slug)."""


class PublishedMeanwhile(Exception):
    """The revisions changed since the editor's form was read: another was published
    (`revision`, the latest), or the later ones were taken back (`revision` None when none is
    left)."""

    def __init__(self, revision):
        number = revision.number if revision is not None else 0
        super().__init__(f"the latest revision is now {number}")
        self.revision = revision


class NothingPublished(Exception):
    """The programme has no published revision to go back to."""


def _published_copy(programme):
    return programme.editions.filter(edition=Edition.PUBLISHED).first()


def make_copy(working, previous=None, rows=None):
    """A published copy of the working programme `working`; each session's calendar sequence
    one more than in `previous` (the copy published before) where this revision changes it.
    `rows`: the working copy's sessions, if read already (copying.content_rows)."""
    before = {}
    if previous is not None:
        before = {s.uid: s for s in copying.content_rows(previous)}

    def count_change(old, new):
        earlier = before.get(old.uid)
        if earlier is not None:
            changed = session_entry(earlier) != session_entry(old)
            new.sequence = earlier.sequence + changed

    copy = Programme.objects.create(
        **copying.programme_content(working),
        meeting_id=working.meeting_id,
        status=working.status,
        edition=Edition.PUBLISHED,
        working=working,
    )
    copy.convened_by.set(working.convened_by.all())
    copy.published_documents.set(Document.objects.filter(programme=working))
    rows = copying.content_rows(working) if rows is None else rows
    copying.copy_sessions(rows, copy, adjust=count_change)
    return copy


def publish(programme, note, user=None, publish_meeting=False, after=None):
    """Publish the working copy `programme` as revision N+1 with `note`: a copy of it, which
    every public page, PDF, calendar and export reads from now on, the copy before kept as an
    earlier revision. Returns the revision.

    Raises MeetingIsDraft when its meeting is a draft, unless `publish_meeting` publishes the
    meeting too, in the same transaction; AddressTaken when another programme of the meeting is
    published at its address; PublishedMeanwhile when `after` (the number of the revision the
    editor saw, 0 for none) is no longer the latest."""
    from meetings.publishing import notices

    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk, edition=Edition.WORKING)
        # Locked too: a meeting set back to draft meanwhile is seen, not published over.
        meeting = Meeting.objects.select_for_update().get(pk=locked.meeting_id)
        if meeting.status != Status.PUBLISHED:
            if not publish_meeting:
                raise MeetingIsDraft(meeting)
            meeting.status = Status.PUBLISHED
            meeting.save(update_fields=["status"])
        taken = Programme.objects.filter(
            meeting_id=locked.meeting_id, slug=locked.slug, edition=Edition.PUBLISHED
        ).exclude(working=locked)
        if taken.exists():
            raise AddressTaken(locked.slug)
        number = (locked.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        if after is not None and number != after + 1:
            raise PublishedMeanwhile(locked.revisions.order_by("-number").first())
        if locked.status != Status.PUBLISHED:
            locked.status = Status.PUBLISHED
            locked.save(update_fields=["status"])
        revision = new_revision(
            locked,
            number=number,
            note=note,
            published_by=user if user and user.is_authenticated else None,
        )
        # Its subscribers told by the task queue's worker once it is committed (and with it
        # whatever the caller adds in its transaction: the note's translations): publishing
        # waits for no mail.
        transaction.on_commit(partial(notices.revision_published, revision.pk, locked.pk))
        return revision


def new_revision(working, **fields):
    """Revision `fields["number"]` of the working copy `working`, as it is now: the published
    copy before it becomes an earlier revision, a new copy is made and the revision keeps it
    and its snapshot. publish() checks and locks first."""
    previous = _published_copy(working)
    if previous is not None:
        previous.edition = Edition.SUPERSEDED
        previous.save(update_fields=["edition"])
    # The working copy's sessions are read once, for the copy and for its snapshot: the copy
    # says what they say (the snapshot holds no id), so reading it back would read the same.
    rows = copying.content_rows(working)
    copy = make_copy(working, previous, rows)
    if "snapshot" not in fields:
        fields["snapshot"] = snapshot(working, rows)
    return ProgrammeRevision.objects.create(programme=working, copy=copy, **fields)


def replace_content(source, target, before_deleting=None):
    """Make the programme `target` say what `source` says: its texts, its convenors, its
    sessions (matched by uid, rewritten in place; those `source` lacks deleted), the documents
    listed under it. Between two copies of one programme: discarding a working copy's changes
    puts its published copy's content back. A document added to the working copy since, shown
    nowhere else, is deleted (`before_deleting(document)` first: the admin keeps it in History).
    """
    for name, value in copying.programme_content(source).items():
        setattr(target, name, value)
    target.save()
    target.convened_by.set(source.convened_by.all())
    incoming = copying.content_rows(source)
    # Statement files belong to no meeting or programme: those only the statements replaced
    # here show are deleted below, like the documents added to the working copy since.
    statement_files = set(
        Statement.documents.through.objects.filter(
            statement__session__programme=target
        ).values_list("document_id", flat=True)
    )
    existing = {s.uid: s for s in Session.objects.filter(programme=target)}
    wanted = {s.uid for s in incoming}
    Session.objects.filter(
        pk__in=[s.pk for uid, s in existing.items() if uid not in wanted]
    ).delete()
    kept = {uid: s for uid, s in existing.items() if uid in wanted}
    kept_ids = [s.pk for s in kept.values()]
    Presentation.objects.filter(session_id__in=kept_ids).delete()
    DiscussionQuestion.objects.filter(session_id__in=kept_ids).delete()
    Session.actions.through.objects.filter(session_id__in=kept_ids).delete()
    Statement.objects.filter(session_id__in=kept_ids).delete()
    Panellist.objects.filter(session_id__in=kept_ids).delete()
    Recording.objects.filter(session_id__in=kept_ids).delete()
    copying.copy_sessions(incoming, target, existing=kept)
    listed = list(source.listed_documents.values_list("pk", flat=True))
    if not target.is_working_copy:
        target.published_documents.set(listed)
        return
    added = Document.objects.filter(programme=target).exclude(pk__in=listed)
    shown_nowhere = {
        "meeting__isnull": True,
        "presentations__isnull": True,
        "statements__isnull": True,
        "work_plans__isnull": True,
        "activities__isnull": True,
    }
    listed_anywhere = Programme.published_documents.through.objects.values("document_id")
    unused = [
        *added.filter(**shown_nowhere),
        *Document.objects.filter(pk__in=statement_files, programme__isnull=True, **shown_nowhere)
        .exclude(pk__in=listed_anywhere)
        .distinct(),
    ]
    for document in unused:
        if before_deleting is not None:
            before_deleting(document)
        document.delete()
    added.update(programme=None)
    Document.objects.filter(pk__in=listed).exclude(programme=target).update(programme=target)


def discard(programme, before_deleting=None):
    """Put the working copy `programme` back as its latest revision published it
    (replace_content). Raises NothingPublished when it has none."""
    with transaction.atomic():
        locked = Programme.objects.select_for_update().get(pk=programme.pk, edition=Edition.WORKING)
        published = _published_copy(locked)
        if published is None:
            raise NothingPublished()
        replace_content(published, locked, before_deleting)
        return locked


def unpublished_changes(programme):
    """What publishing the working copy `programme` now would change, as changes() says it;
    None when it was never published. Reads the working copy again unless it was loaded by
    queries with what its page shows."""
    from meetings import queries

    published = _published_copy(programme)
    if published is None:
        return None
    loaded = "sessions" in getattr(programme, "_prefetched_objects_cache", {})
    wanted = [published.pk] if loaded else [programme.pk, published.pk]
    pair = {p.pk: p for p in queries.programmes_in_full(wanted)}
    working = programme if loaded else pair[programme.pk]
    return changes(snapshot(pair[published.pk]), snapshot(working), unchanged=[])


def with_changes(revisions):
    """Revisions newest first, each with `.changes` against the one before it."""
    revisions = sorted(revisions, key=lambda r: r.number)
    previous = None
    for revision in revisions:
        revision.changes = changes(previous.snapshot if previous else None, revision.snapshot)
        previous = revision
    return list(reversed(revisions))
