"""No edit is lost: every content change is kept, and no save silently overwrites another's.

History is django-reversion's: what one admin page saves together (a programme with its
sessions, a session with its presentations, questions, statements and panellists) is one
revision, reverted in one transaction, and deleted objects can be recovered. Edit conflicts:
each admin form carries a signed copy of the values the editor loaded (`ConflictCheckedForm`);
a save finding that someone else changed one of them since is refused, and the form says who
changed what.
"""

import contextvars
import json
import re
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime
from functools import partial

import reversion
from django import forms
from django.apps import apps
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.contrib.postgres.fields import ArrayField
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import (
    BigIntegerField,
    F,
    Func,
    IntegerField,
    ManyToManyField,
    Prefetch,
    Value,
    prefetch_related_objects,
)
from django.forms.formsets import DELETION_FIELD_NAME, INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from reversion.models import Version

from meetings import models
from meetings.models.common import Searched

from .text import InvisibleIsEmpty

# What one admin page saves together: reverting or recovering the parent brings these back too.
FOLLOW = {
    models.Meeting: ("office_holders",),
    models.Programme: ("sessions",),
    models.Session: ("presentations", "questions", "statements", "panellists", "recordings"),
    models.WorkPlan: ("milestones",),
}


def register_content_models():
    """Put every content model under version control (idempotent; before the admin is built).
    The caches' own rows (models.BOOKKEEPING) are not content and keep no history."""
    for model in apps.get_app_config("meetings").get_models():
        if model not in models.BOOKKEEPING and not reversion.is_registered(model):
            # Without the stored search words: the database computes them.
            excluded = Searched.columns(model)
            reversion.register(model, follow=FOLLOW.get(model, ()), exclude=excluded)


# Records that the state kept of a deleted object holds besides what it follows, so that
# recovering it brings them back: a programme's revisions, the record of what was published and
# when. Not followed on every save: reverting a programme's content to an earlier version must
# not delete the record of later publications (whose copies stay public), and each save would
# write every revision's snapshot again, a meeting day's saves slower with each publish.
KEPT_WHEN_DELETED = {models.Programme: ("revisions",)}

BASELINE_COMMENT = "As it stood before its first edit in the admin"
DELETION_COMMENT = "As it stood when it was deleted"


def keep_baseline(obj, user=None):
    """Record `obj` as it stands (with what it follows) if no version of it exists yet: content
    loaded from fixtures, an import or the archive generator has none, and the first edit in
    the admin must not be the first thing history knows of it."""
    if obj is None or obj.pk is None or Version.objects.get_for_object(obj).exists():
        return
    keep_state(obj, user, BASELINE_COMMENT)


def keep_state(obj, user, comment):
    """Record `obj` as it stands now, with what it follows, in a revision of its own: before a
    deletion, so that recovering it brings back what it held at that moment."""
    if obj is None or obj.pk is None:
        return
    # In a revision of its own even when called inside another one: a nested revision would
    # merge into the outer one, which drops the versions of objects deleted before it ends.
    # (reversion keeps its revision stack in a context variable; database connections are per
    # thread, so this still runs in the caller's transaction.)
    contextvars.Context().run(_save_revision, obj, user, comment)


def _save_revision(obj, user, comment):
    with reversion.create_revision(), followed_at_once(obj):
        describe(obj, user, comment)
        if comment == DELETION_COMMENT:
            for name in KEPT_WHEN_DELETED.get(type(obj), ()):
                for record in getattr(obj, name).all():
                    reversion.add_to_revision(record)


# What the name of a followed row reads (its version's object_repr is str() of it).
NAMED_WITH = {
    models.Statement: ("state", "organisation", "on_behalf_of_state", "on_behalf_of_organisation"),
    models.Panellist: ("organisation", "state"),
    models.Mandate: ("office", "state", "convention"),
}


def followed_lookups(model, prefix=""):
    """The prefetch lookups of what a version of `model` holds beyond its own row: what it
    follows (FOLLOW), and what they follow, with each one's many-to-many values. A version
    holds the keys of many-to-many values only, and its rows in no order: nothing more is read
    or sorted."""
    lookups = [
        Prefetch(
            prefix + field.name,
            queryset=field.related_model._default_manager.only("pk").order_by(),
        )
        for field in model._meta.local_many_to_many
        if field.remote_field.through._meta.auto_created  # what the serializer writes
    ]
    for name in FOLLOW.get(model, ()):
        related = model._meta.get_field(name).related_model
        rows = related._default_manager.order_by()
        if related in NAMED_WITH:  # select_related() with no names would join every parent
            rows = rows.select_related(*NAMED_WITH[related])
        lookups.append(Prefetch(prefix + name, queryset=rows))
        lookups += followed_lookups(related, f"{prefix}{name}__")
    return lookups


@contextmanager
def followed_at_once(obj):
    """Inside it, `obj` holds what its version follows read at once, a query per relation,
    where reversion would read each followed row's own (a programme's page saved 20 sessions
    with some 200 queries). Dropped afterwards, so that nothing later reads them stale."""
    lookups = followed_lookups(type(obj)) if obj is not None and obj.pk is not None else []
    if lookups:
        prefetch_related_objects([obj], *lookups)
    try:
        yield
    finally:
        cache = getattr(obj, "_prefetched_objects_cache", {})
        for lookup in lookups:
            cache.pop(lookup.prefetch_through.split("__")[0], None)


def describe(obj, user, comment):
    """Inside `reversion.create_revision()`: the revision holds `obj` (with what it follows),
    saved by `user`, with `comment`."""
    reversion.add_to_revision(obj)
    reversion.set_user(user)
    reversion.set_comment(comment)


# Edit conflicts -------------------------------------------------------------------------------

_SALT = "meetings.history.loaded-state"


def _snapshot(instance, names):
    """The instance's values of the form's fields, as JSON would carry them."""
    values = {}
    for name in names:
        field = instance._meta.get_field(name)
        value = field.value_from_object(instance)
        if isinstance(field, ManyToManyField):
            value = sorted(obj.pk for obj in value) if instance.pk else []
        elif hasattr(value, "name") and not isinstance(value, str):  # a FieldFile
            value = value.name or ""
        values[name] = value
    return json.loads(json.dumps(values, cls=DjangoJSONEncoder))


def _same(value, other):
    """Equal as the editor sees them: browsers send a text's line breaks as CR LF."""
    if isinstance(value, str) and isinstance(other, str):
        return value.replace("\r\n", "\n") == other.replace("\r\n", "\n")
    return value == other


def _shown(value):
    if value in (None, "", []):
        return _("(empty)")
    return "“" + Truncator(str(value)).chars(120) + "”"


def _as_loaded(model, name, value):
    """A form's cleaned value of field `name`, as `_snapshot` records it."""
    field = model._meta.get_field(name)
    if isinstance(field, ManyToManyField):
        return sorted(obj.pk for obj in value or [])
    probe = model()
    field.save_form_data(probe, value)
    return _snapshot(probe, [name])[name]


def _unwrapped(widget):
    while isinstance(widget, RelatedFieldWidgetWrapper):
        widget = widget.widget
    return widget


def _put(data, bound, value):
    """Write `value` into `data` under `bound`'s name, as the browser would send it."""
    widget, key = _unwrapped(bound.field.widget), bound.html_name
    value = bound.field.prepare_value(value)
    if isinstance(widget, forms.FileInput):
        return  # a file is not sent again: the form keeps the stored one unless a new one comes
    if isinstance(widget, forms.CheckboxInput):
        data.pop(key, None)
        if value:
            data[key] = "on"
    elif isinstance(widget, forms.SelectMultiple) and hasattr(data, "setlist"):
        data.setlist(key, [str(pk) for pk in value or []])
    elif isinstance(widget, forms.MultiWidget):
        parts = zip(widget.widgets_names, widget.widgets, widget.decompress(value), strict=True)
        for suffix, part_widget, part in parts:
            data[key + suffix] = _formatted(part_widget, part)
    else:
        data[key] = _formatted(widget, value)


def _formatted(widget, value):
    shown = widget.format_value(value)
    if isinstance(shown, list):  # a single choice
        shown = shown[0] if shown else ""
    return "" if shown is None else str(shown)


class ConflictCheckedForm(InvisibleIsEmpty, forms.ModelForm):
    """A model form that refuses to save over a change made by someone else since it loaded.

    A field only they changed keeps their value (the form shows it); a field both changed is a
    conflict, listed for the editor, whose version stays in the form for them to save again."""

    loaded_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set by the admin when the object was deleted before this form was posted: it is offered
    # back as a new one, which the editor saves deliberately (meetings/admin ContentAdmin).
    deleted_meanwhile = False

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:  # a bound form shows its data
            self.fields["loaded_state"].initial = self._token(self.instance)

    @cached_property
    def changed_data(self):
        """What the editor changed: the loaded copy is not content, and an inline row whose only
        difference is that copy is not saved again (nor kept again in the history)."""
        return [name for name in super().changed_data if name != "loaded_state"]

    def _get_validation_exclusions(self):
        exclude = super()._get_validation_exclusions()
        if self.instance.pk is not None and not self.has_changed():
            # A saved row the editor left as it was is not saved again: its values are the
            # database's, which holds them to their fields and constraints (a query each, a
            # dozen a row on a programme's page). What they may no longer fit around them (the
            # model's clean(): a session's day within its meeting's new dates) is still checked.
            exclude.update(field.name for field in self.instance._meta.fields)
        return exclude

    def _post_clean(self):
        if self.instance.pk is None or self.has_changed():
            super()._post_clean()
            return
        # Every field of a row left as it was is excluded from the model's checks (above), so
        # its constraints, each on some field, check nothing: Django would still build a query
        # for each to find that out, a tenth of a programme's save with 20 sessions.
        full_clean = self.instance.full_clean
        self.instance.full_clean = partial(full_clean, validate_constraints=False)
        try:
            super()._post_clean()
        finally:
            del self.instance.full_clean

    def _model_field_names(self):
        meta = self.instance._meta
        model_fields = {f.name for f in meta.get_fields()} - {meta.pk.name}  # the pk never changes
        return sorted(name for name in self.fields if name in model_fields)

    def _token(self, instance):
        state = _snapshot(instance, self._model_field_names())
        return signing.dumps(
            {
                "object": [instance._meta.label, str(instance.pk)],
                "at": timezone.now().isoformat(),
                "state": state,
            },
            salt=_SALT,
            compress=True,
        )

    def _loaded(self, token):
        """What the token says this form loaded, or None if it says nothing about this object."""
        try:
            loaded = signing.loads(token or "", salt=_SALT)
        except signing.BadSignature:
            return None
        if loaded.get("object") != [self.instance._meta.label, str(self.instance.pk)]:
            return None
        return loaded

    def clean(self):
        cleaned = super().clean()
        if self.deleted_meanwhile:
            raise ValidationError(
                _(
                    "Someone else deleted this %(name)s while you were editing it. What you "
                    "typed is below: save it to add the %(name)s again, or leave this page to "
                    "let it go."
                )
                % {"name": self.instance._meta.verbose_name}
            )
        # A form the editor left as it was saves nothing, so it overwrites nothing either. One
        # that changes something is checked whatever it was posted with: the loaded copy may
        # be missing or forged, never skipped.
        if self.instance.pk is not None and self.has_changed():
            self._refuse_if_changed_since(self.data.get(self.add_prefix("loaded_state")))
        return cleaned

    def _refuse_if_changed_since(self, token):
        model = type(self.instance)
        rows = model._default_manager.filter(pk=self.instance.pk)
        if connection.in_atomic_block:  # hold the row until this save commits
            rows = rows.select_for_update()
        current = rows.first()
        name = model._meta.verbose_name
        if current is None:
            raise ValidationError(
                _("Someone else deleted this %(name)s while you were editing it.") % {"name": name}
            )
        loaded = self._loaded(token)
        if loaded is None:
            self._carry(current)
            raise ValidationError(
                _(
                    "This form could not be checked against the saved version, so it was not "
                    "saved: check what it holds, then save again to keep it."
                )
            )
        before = loaded["state"]
        now = _snapshot(current, before.keys())
        theirs = [field for field, value in before.items() if not _same(now[field], value)]
        if not theirs:
            return
        mine = {
            field: _as_loaded(model, field, self.cleaned_data[field])
            for field in before
            if field in self.cleaned_data
        }
        conflicts = [
            field
            for field in theirs
            if field not in mine
            or (not _same(mine[field], before[field]) and not _same(mine[field], now[field]))
        ]
        self._keep_theirs(current, [field for field in theirs if field not in conflicts])
        if not conflicts:
            return
        since = datetime.fromisoformat(loaded["at"])
        editors = [
            f"{version.revision.user or _('someone')} "
            f"({date_format(timezone.localtime(version.revision.date_created), 'j M Y H:i')})"
            for version in Version.objects.get_for_object(current)
            .filter(revision__date_created__gt=since)
            .exclude(revision__comment__in=[BASELINE_COMMENT, DELETION_COMMENT])
            .select_related("revision__user")[:3]
        ]
        messages = [
            _(
                "Someone else changed this %(name)s after you opened it%(who)s. Your changes "
                "were not saved. Below is each field you both changed, with their change; the "
                "form holds your version of those and theirs of the rest: check it, then save "
                "again to keep it."
            )
            % {"name": name, "who": (": " + ", ".join(editors)) if editors else ""}
        ]
        for field in conflicts:
            label = self.fields[field].label or current._meta.get_field(field).verbose_name
            messages.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": str(label).capitalize(),
                    "before": _shown(before[field]),
                    "after": _shown(now[field]),
                }
            )
        # Saving again after reading this is a choice: the form now carries the current copy.
        self._carry(current)
        raise ValidationError(messages)

    def _keep_theirs(self, current, fields):
        """Fields someone else changed and this editor did not: saved as they are now, shown so
        in the form, and not counted as this editor's change (in the history's message)."""
        if not fields:
            return
        data = self.data.copy()
        for name in fields:
            field = current._meta.get_field(name)
            self.cleaned_data.pop(name, None)  # so the save leaves the field alone
            if not field.many_to_many:
                setattr(self.instance, field.attname, getattr(current, field.attname))
            if name in self.fields:
                _put(data, self[name], field.value_from_object(current))
        self.data = data
        self.__dict__["changed_data"] = [n for n in self.changed_data if n not in fields]

    def _carry(self, current):
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_state")] = self._token(current)


def _answer_from(field, known):
    """Make `field` (a row's choice field) take the rows it is given from `known` ({str(key):
    object}) when it holds them all, else ask the database as it would have."""
    if isinstance(field, forms.ModelMultipleChoiceField):
        check = field._check_values

        def _check_values(value):
            wanted = [str(v) for v in value]
            if all(v in known for v in wanted):
                return [known[v] for v in dict.fromkeys(wanted)]
            return check(value)

        field._check_values = _check_values
    else:
        read = field.to_python

        def to_python(value):
            if value not in field.empty_values and str(value) in known:
                return known[str(value)]
            return read(value)

        field.to_python = to_python


class ConflictCheckedFormSet(forms.BaseInlineFormSet):
    """The rows of an inline, each a ConflictCheckedForm. A row someone else deleted meanwhile
    is dropped if this editor left it as it was; if they changed it, it comes back as a new
    row with a message saying so, to save again or remove. Rows are matched to the objects
    they were loaded from in the order they were posted, whatever was reordered since."""

    def __init__(self, data=None, files=None, instance=None, **kwargs):
        super().__init__(data, files, instance, **kwargs)
        self.deleted_meanwhile = []
        if self.is_bound:
            self._posted_pks = self._pks_posted()
            self._take_out_rows_gone()

    def full_clean(self):
        if self.is_bound:
            self._read_choices_at_once()
        super().full_clean()

    def _read_choices_at_once(self):
        """The choice fields of the rows (the row's own key, a session's room, a presentation's
        presenters) take their chosen rows from one query a field for all the rows, instead of
        one query a field for each row."""
        fields = defaultdict(list)  # name: [(row's field, posted values)]
        for form in self.forms:
            for name, field in form.fields.items():
                if type(field) not in (forms.ModelChoiceField, forms.ModelMultipleChoiceField):
                    continue  # not an inline's parent key
                value = field.widget.value_from_datadict(
                    form.data, form.files, form.add_prefix(name)
                )
                values = value if isinstance(value, list | tuple) else [value]
                values = [str(v) for v in values if v not in field.empty_values]
                if values:
                    fields[name].append((field, values))
        for rows in fields.values():
            field = rows[0][0]
            key = field.to_field_name or field.queryset.model._meta.pk.attname
            wanted = {v for _, values in rows for v in values}
            try:
                known = {
                    str(getattr(obj, key)): obj
                    for obj in field.queryset.filter(**{f"{key}__in": wanted})
                }
            except (ValueError, TypeError, ValidationError):  # a value not of the key's type
                continue  # each row's field says so, as it would have
            for row_field, _values in rows:
                _answer_from(row_field, known)

    def _pks_posted(self):
        management = self.management_form
        if not management.is_valid():
            return []
        to_python = self._get_to_python(self.model._meta.pk)
        pks = []
        for index in range(min(self.initial_form_count(), self.total_form_count())):
            try:
                pks.append(to_python(self.data.get(self._key(index, self.model._meta.pk.name))))
            except ValidationError:
                pks.append(None)
        return pks

    def _key(self, index, name):
        return f"{self.add_prefix(index)}-{name}"

    def get_queryset(self):
        if not hasattr(self, "_queryset"):
            queryset = super().get_queryset()
            posted = [pk for pk in getattr(self, "_posted_pks", []) if pk is not None]
            if posted:
                # The row's place in the posted keys (array_position; keys are integers), rows
                # not posted after them: one expression, where a CASE of a branch per row took
                # a twentieth of a programme's save to build.
                position = Func(
                    Value(posted, output_field=ArrayField(BigIntegerField())),
                    F("pk"),
                    function="array_position",
                    output_field=IntegerField(),
                )
                ordering = queryset.query.order_by or self.model._meta.ordering
                self._queryset = queryset.order_by(position.asc(nulls_last=True), *ordering)
        return self._queryset

    def _take_out_rows_gone(self):
        existing = {obj.pk for obj in self.get_queryset()}
        gone = {i for i, pk in enumerate(self._posted_pks) if pk is not None and pk not in existing}
        if not gone:
            return
        initial, total = len(self._posted_pks), self.total_form_count()
        kept, back = [], []
        for index in range(initial):
            if index not in gone:
                kept.append(index)
            elif not self._marked_deleted(index) and (
                self.instance.pk is None or self._row_changed(index)
            ):
                back.append(index)
        if self.instance.pk is not None:  # a parent deleted too has its own message
            self.deleted_meanwhile = [self._row_label(index) for index in back]
        order = kept + back + list(range(initial, total))
        self.data = self._renumbered(self.data, order, set(back), initial=len(kept))
        if self.files:
            self.files = self._renumbered(self.files, order, set(back))
        self.__dict__.pop("management_form", None)

    def _marked_deleted(self, index):
        return forms.CheckboxInput().value_from_datadict(
            self.data, self.files, self._key(index, DELETION_FIELD_NAME)
        )

    def _row_changed(self, index):
        """Whether this editor changed row `index` since loading it (a missing or unreadable
        loaded copy counts as changed: better kept than lost)."""
        try:
            token = self.data.get(self._key(index, "loaded_state"))
            before = signing.loads(token or "", salt=_SALT)["state"]
        except (signing.BadSignature, KeyError, TypeError):
            return True
        skipped = {self.model._meta.pk.name, self.fk.name}
        for name, value in before.items():
            field = self.form.base_fields.get(name)
            if name in skipped or field is None:
                continue
            raw = field.widget.value_from_datadict(self.data, self.files, self._key(index, name))
            try:
                posted = _as_loaded(self.model, name, field.clean(raw))
            except ValidationError:
                return True
            if not _same(posted, value):
                return True
        return False

    def _row_label(self, index):
        for name in ("title", "text", "name"):
            value = self.data.get(self._key(index, name))
            if value:
                return Truncator(value).chars(60)
        return str(index + 1)

    def _renumbered(self, data, order, back, initial=None):
        """`data` with the rows in `order` (their old indices), those in `back` made new rows;
        with the management form's counts when `initial` (the number of rows kept) is given."""
        new_index = {old: new for new, old in enumerate(order)}
        row_key = re.compile(re.escape(self.prefix) + r"-(\d+)-(.+)")
        dropped = {self.model._meta.pk.name, self.fk.name, "loaded_state"}
        renumbered, rows = data.copy(), []
        for key in list(renumbered):
            if row := row_key.fullmatch(key):
                rows.append((int(row.group(1)), row.group(2), renumbered.getlist(key)))
                del renumbered[key]
        for old, name, values in rows:
            if old in new_index and not (old in back and name in dropped):
                renumbered.setlist(self._key(new_index[old], name), values)
        if initial is not None:
            renumbered[self.add_prefix(TOTAL_FORM_COUNT)] = str(len(order))
            renumbered[self.add_prefix(INITIAL_FORM_COUNT)] = str(initial)
        return renumbered

    def clean(self):
        super().clean()
        if self.deleted_meanwhile:
            raise ValidationError(
                [
                    _(
                        "Someone else deleted the %(name)s “%(row)s” while you were editing "
                        "it. Your version is kept below as a new row: save again to add it "
                        "back, or remove the row to leave it out."
                    )
                    % {"name": self.model._meta.verbose_name, "row": row}
                    for row in self.deleted_meanwhile
                ]
            )
