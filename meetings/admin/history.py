"""No edit is lost: every content change is kept, and no save silently overwrites another's.

History is django-reversion's: what one admin page saves together (a programme with its
sessions, a session with its presentations and questions) is one revision, reverted in one
transaction, and deleted objects can be recovered. Edit conflicts: each admin form carries a
signed copy of the values the editor loaded (`ConflictCheckedForm`); a save finding that
someone else changed one of them since is refused, and the form says who changed what.
"""

import contextvars
import json
from datetime import datetime

import reversion
from django import forms
from django.apps import apps
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.models import ManyToManyField
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from reversion.models import Version

from meetings import models
from meetings.models.common import Searched

# What one admin page saves together: reverting or recovering the parent brings these back too.
FOLLOW = {
    models.Programme: ("sessions", "revisions"),
    models.Session: ("presentations", "questions"),
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
    with reversion.create_revision():
        describe(obj, user, comment)


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


def _shown(value):
    if value in (None, "", []):
        return _("(empty)")
    return "“" + Truncator(str(value)).chars(120) + "”"


class ConflictCheckedForm(forms.ModelForm):
    """A model form that refuses to save over a change made by someone else since it loaded."""

    loaded_state = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None and not self.is_bound:  # a bound form shows its data
            self.fields["loaded_state"].initial = self._token(self.instance)

    @cached_property
    def changed_data(self):
        """What the editor changed: the loaded copy is not content, and an inline row whose only
        difference is that copy is not saved again (nor kept again in the history)."""
        return [name for name in super().changed_data if name != "loaded_state"]

    def _model_field_names(self):
        model_fields = {f.name for f in self.instance._meta.get_fields()}
        return sorted(name for name in self.fields if name in model_fields)

    def _token(self, instance):
        state = _snapshot(instance, self._model_field_names())
        return signing.dumps(
            {"at": timezone.now().isoformat(), "state": state}, salt=_SALT, compress=True
        )

    def clean(self):
        cleaned = super().clean()
        token = self.data.get(self.add_prefix("loaded_state"))
        # A form the editor left as it was saves nothing, so it overwrites nothing either.
        if self.instance.pk is not None and token and self.has_changed():
            self._refuse_if_changed_since(token)
        return cleaned

    def _refuse_if_changed_since(self, token):
        model = type(self.instance)
        try:
            loaded = signing.loads(token, salt=_SALT)
        except signing.BadSignature:
            raise ValidationError(
                _("This form could not be checked against the saved version: reload the page.")
            ) from None
        rows = model._default_manager.filter(pk=self.instance.pk)
        if connection.in_atomic_block:  # hold the row until this save commits
            rows = rows.select_for_update()
        current = rows.first()
        name = model._meta.verbose_name
        if current is None:
            raise ValidationError(
                _("Someone else deleted this %(name)s while you were editing it.") % {"name": name}
            )
        now = _snapshot(current, loaded["state"].keys())
        changed = [field for field, value in loaded["state"].items() if now[field] != value]
        if not changed:
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
                "were not saved. What they changed is listed below; the form still holds your "
                "version: check it, then save again to keep it."
            )
            % {"name": name, "who": (": " + ", ".join(editors)) if editors else ""}
        ]
        for field in changed:
            label = self.fields[field].label or current._meta.get_field(field).verbose_name
            messages.append(
                _("%(field)s: %(before)s → %(after)s")
                % {
                    "field": str(label).capitalize(),
                    "before": _shown(loaded["state"][field]),
                    "after": _shown(now[field]),
                }
            )
        # Saving again after reading this is a choice: the form now carries the current copy.
        self.data = self.data.copy()
        self.data[self.add_prefix("loaded_state")] = self._token(current)
        raise ValidationError(messages)
