"""Who took the floor under an agenda item, entered as the ISU has it (issue 19): on the
session's admin page, one text box per group of statements, where the list is pasted ("Updates
from: Afghanistan, Albania, ... Croatia and Eritrea"), and one file input where the statement
files are dropped together, each matched to its delegation by its name ("Albania.pdf",
"SCVA-2019-Lao-PDR-EN.pdf"). meetings/delegations.py matches the names. Any unknown or ambiguous
name, or a file that names no delegation of the item or several, is refused by name and nothing
is saved (the admin saves a change page in one transaction, and only a valid form)."""

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from meetings.delegations import Directory, NotMatched
from meetings.models import Document, Programme, State, Statement
from meetings.models.programmes import validate_pdf

from . import history

GROUPS = list(Statement.Group)


def field_name(group):
    return f"floor_{group.name.lower()}"


def listed(statement):
    """A statement as a line of the list, which matches it again: "UNICEF on behalf of UNMAT"."""

    def name(row):
        return getattr(row, "acronym", "") or row.name

    text = name(statement.delegation)
    if statement.on_behalf_of:
        text += f" on behalf of {name(statement.on_behalf_of)}"
    return text


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(MultipleFileField, self).clean(f, initial) for f in files]

    def has_changed(self, initial, data):
        return bool(data)  # no file dropped is no change (the history says nothing of it)


def _list_field(group):
    return forms.CharField(
        label=group.label,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 80}),
    )


LIST_HELP = _(
    "The delegations in the order they took the floor, as the ISU writes them: “Afghanistan, "
    "Albania, Bosnia and Herzegovina and Croatia”, or one a line; “UNICEF on behalf of UNMAT”. "
    "A label such as “Updates from:” is left out. States by any of their names or ISO codes, "
    "organisations by name or acronym."
)


CHOOSE_AGAIN = _(
    "Nothing was saved: choose the statement files again, the browser does not keep them when "
    "the page comes back with an error."
)


class FloorForm(history.ConflictCheckedForm):
    """The session's form with the delegations that took the floor, group by group, and their
    statement files."""

    floor_opening = _list_field(Statement.Group.OPENING)
    floor_updates = _list_field(Statement.Group.UPDATES)
    floor_statements = _list_field(Statement.Group.STATEMENTS)
    floor_comments = _list_field(Statement.Group.COMMENTS)
    floor_closing = _list_field(Statement.Group.CLOSING)

    statement_files = MultipleFileField(
        label=_("Statement files"),
        required=False,
        help_text=_(
            "PDFs, several at once, each named after its delegation: “Albania.pdf”, "
            "“SCVA-2019-Lao-PDR-EN.pdf”. A final EN, FR, ES, AR, ZH or RU gives its language "
            "(English otherwise). A new file in a language replaces the delegation's file in "
            "that language."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        by_group = {group: [] for group in GROUPS}
        if self.instance.pk is not None:
            rows = self.instance.statements.select_related(
                "state", "organisation", "on_behalf_of_state", "on_behalf_of_organisation"
            )
            for statement in rows:
                by_group[statement.group].append(listed(statement))
        for group in GROUPS:
            self.fields[field_name(group)].initial = "\n".join(by_group[group])

    def clean(self):
        cleaned = super().clean()
        directory = Directory()
        self.floor, found, names_refused = {}, [], False
        for group in GROUPS:
            name = field_name(group)
            try:
                self.floor[group] = directory.match(cleaned.get(name) or "")
                found += self.floor[group]
            except NotMatched as error:
                self.add_error(name, error)
                found += error.found
                names_refused = True
        self.files_to_store = []
        files = cleaned.get("statement_files") or []
        if files:  # checked against the names found, in the same submission as the names
            self._match_files(directory, files, found, names_refused)
        return cleaned

    def _match_files(self, directory, files, found, names_refused):
        delegations = []
        for delegation in found:
            if delegation.who not in delegations:
                delegations.append(delegation.who)
        no_delegation = (
            _(
                "“%(file)s” names none of the delegations found in the lists above (those not "
                "found could not be matched to files)."
            )
            if names_refused
            else _("“%(file)s” names no delegation of this item.")
        )
        problems = []
        for upload in files:
            try:
                FileExtensionValidator(["pdf"])(upload)
                validate_pdf(upload)
                who, language = directory.file_delegation(upload.name, delegations)
            except NotMatched as error:
                if error.unknown:
                    problems.append(no_delegation % {"file": upload.name})
                else:
                    names = " or ".join(str(c) for _name, cs in error.ambiguous for c in cs)
                    problems.append(
                        _("“%(file)s” could be %(names)s: name the file after one.")
                        % {"file": upload.name, "names": names}
                    )
            except ValidationError as error:
                problems += [f"“{upload.name}”: {message}" for message in error.messages]
            else:
                self.files_to_store.append((upload, who, language or Document.Language.ENGLISH))
        if problems:
            self.add_error("statement_files", problems)

    def ask_for_files_again(self):
        """After any error, the page comes back without the files dropped (no browser keeps a
        file input's choice): the editor is told to choose them again."""
        again = str(CHOOSE_AGAIN)
        if self.files.getlist("statement_files") and again not in self.errors.get(
            "statement_files", []
        ):
            self.add_error("statement_files", again)

    def save_floor(self, session):
        """Write each changed group's statements (rows of the same delegation kept, with their
        files) and store the files. Inside the admin's transaction."""
        for group in GROUPS:
            if field_name(group) in self.changed_data:
                _replace_group(session, group, self.floor[group])
        for upload, who, language in self.files_to_store:
            _store_file(session, upload, who, language)


def _replace_group(session, group, delegations):
    existing = list(session.statements.filter(group=group))
    kept, made = [], []
    for position, delegation in enumerate(delegations, start=1):
        same = next((s for s in existing if s not in kept and delegation.same_as(s)), None)
        if same is not None:
            same.position = position
            kept.append(same)
        else:
            made.append(
                Statement(
                    session=session,
                    group=group,
                    position=position,
                    state=delegation.state,
                    organisation=delegation.organisation,
                    on_behalf_of_state=delegation.on_behalf_of_state,
                    on_behalf_of_organisation=delegation.on_behalf_of_organisation,
                )
            )
    Statement.objects.bulk_update(kept, ["position"])
    Statement.objects.bulk_create(made)
    gone = [s for s in existing if s not in kept]
    files = list(Document.objects.filter(statements__in=gone).values_list("pk", flat=True))
    Statement.objects.filter(pk__in=[s.pk for s in gone]).delete()
    _delete_unshown(files)


def _delete_unshown(pks):
    """Statement files that nothing shows any more (no statement of any copy): left, they would
    be public in the library."""
    listed_anywhere = Programme.published_documents.through.objects.values("document_id")
    Document.objects.filter(
        pk__in=pks,
        meeting__isnull=True,
        programme__isnull=True,
        statements__isnull=True,
        presentations__isnull=True,
        work_plans__isnull=True,
        activities__isnull=True,
    ).exclude(pk__in=listed_anywhere).delete()


def _store_file(session, upload, who, language):
    side = "state" if isinstance(who, State) else "organisation"
    statement = session.statements.filter(**{side: who}).first()  # its first, in page order
    replaced = list(statement.documents.filter(language=language).values_list("pk", flat=True))
    statement.documents.remove(*replaced)
    _delete_unshown(replaced)
    title = Truncator(f"{listed(statement)}: {session.title}").chars(300)
    document = Document(title=title, kind=Document.Kind.STATEMENT, language=language, file=upload)
    document.save()
    statement.documents.add(document)
