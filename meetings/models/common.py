"""Pieces shared by the models: publication state, what the public sees, and validators."""

import functools
from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.contrib.auth import get_permission_codename
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector, SearchVectorField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from . import translations


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft - not public")
    PUBLISHED = "published", _("Published")


class Edition(models.TextChoices):
    """Which copy of a programme a row is (or lies inside): the working copy staff edit, the
    copy made when its latest revision was published (what delegates read), or the copy of an
    earlier revision (kept, read only, at its changes/<n>/ address)."""

    WORKING = "working", _("Working copy")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Earlier revision")


class PublicQuerySet(models.QuerySet):
    """The rows of a model that may be a draft, or lie inside one. `public()` is the one place
    where what the public may see of the model is written: every page, feed, sitemap,
    calendar, JSON export, search result and PDF reads through it."""

    def _public_conditions(self):
        """Every status above a row (`Model.status_paths`: "" for the row's own, "meeting__" for
        its meeting's, ...) published and, inside a programme (`Model.edition_path`), the copy
        of its latest published revision."""
        conditions = {f"{path}status": Status.PUBLISHED for path in self.model.status_paths}
        if self.model.edition_path is not None:
            conditions[f"{self.model.edition_path}edition"] = Edition.PUBLISHED
        return conditions

    def public(self):
        """What delegates read."""
        return self.filter(**self._public_conditions())

    def not_public(self):
        """The rows public() leaves out: a draft, inside one, or not in a published copy."""
        return self.exclude(**self._public_conditions())

    def visible(self, user=None):
        """What a page shows `user`: the public rows, and the drafts `user` may view. A draft
        row is shown when `user` may view drafts of this model and of each model whose draft
        status hides it (a programme's, and its meeting's when that is a draft)."""
        if not may_view_drafts(user, self.model):
            return self.public()
        hidden = [
            path
            for path in self.model.status_paths
            if not may_view_drafts(user, _model_at(self.model, path))
        ]
        rows = self.filter(**{f"{path}status": Status.PUBLISHED for path in hidden})
        if self.model.edition_path is not None:
            # Staff read the working copy: what the next revision will publish.
            rows = rows.filter(**{f"{self.model.edition_path}edition": Edition.WORKING})
        return rows


def _model_at(model, path):
    """The model a status path ("programme__meeting__") leads to from `model`."""
    for name in filter(None, path.split("__")):
        model = model._meta.get_field(name).related_model
    return model


def may_view_drafts(user, model):
    """Whether `user` may see drafts of `model` on the public site: the one place that decides
    it, for every page, calendar, JSON export, document, search and PDF preview. An active staff
    member with the right to view that model, as the admin reads it (view, or change, which
    includes it); superusers have every right. Staff status alone is not enough; a user who is
    not staff (whose requests the page cache may answer) never sees a draft."""
    if user is None or not (user.is_active and user.is_staff):
        return False
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


class ChoiceLabels:
    """get_FOO_display() of a field with choices as one dict lookup. Django's flattens the
    choices and hashes every label (each a lazy translation, so each hash a gettext) on every
    call: about 30 µs, paid once a row by the lists that show a kind or a language (25 rows a
    page). The labels stay lazy here, so each call still gives the active language's."""

    def _get_FIELD_display(self, field):
        value = getattr(self, field.attname)
        return force_str(_choice_labels(field).get(value, value), strings_only=True)


@functools.cache
def _choice_labels(field):
    """{value: label} of `field`'s choices, its groups flattened."""
    return dict(field.flatchoices)


class Publishable:
    """A model whose rows may be drafts, or lie inside one: `status_paths` names the statuses
    that decide it (see PublicQuerySet), `edition_path` the programme whose copy it is part of
    (None outside programmes); `is_public` says it of a loaded row."""

    status_paths = ("",)
    edition_path = None

    @property
    def is_published(self):
        """Its status and every status above it published, whichever copy of a programme it
        lies in."""
        return all(_row_at(self, path).status == Status.PUBLISHED for path in self.status_paths)

    @property
    def is_public(self):
        """The same rule as PublicQuerySet.public(), on a row and what it was loaded with."""
        if not self.is_published:
            return False
        if self.edition_path is not None:
            return _row_at(self, self.edition_path).edition == Edition.PUBLISHED
        return True


def _row_at(row, path):
    """The row a path ("programme__meeting__") leads to from a loaded `row`."""
    for name in filter(None, path.split("__")):
        row = getattr(row, name)
    return row


class SearchedManager(models.Manager):
    """The manager of a model that search finds: its rows come without their stored words
    (`search_vector`), which only the database reads."""

    def get_queryset(self):
        return super().get_queryset().defer(*Searched.columns(self.model))


PublicManager = SearchedManager.from_queryset(PublicQuerySet)


# English stemming: the content is written in English. The French and Spanish translations are
# stored with the same stemming (a French word is found by itself and its plural, not by its
# other forms): one vector and one query for every language of the site.
SEARCH_CONFIG = "english"


@dataclass(frozen=True)
class Searched:
    """Which fields of a model search finds it by: `title` weighted above `body`. `field()` is
    its `search_vector`, computed and stored by PostgreSQL on every write, `index()` its GIN
    index; meetings/search.py matches and ranks on that column and marks the words of these
    fields."""

    title: tuple = ()
    body: tuple = ()
    translated: bool = False  # each field has its translations (models/translations.py)

    def with_translations(self, names):
        """The columns of fields `names` searched: each field's translations beside it."""
        if not self.translated:
            return tuple(names)
        return tuple(column for name in names for column in (name, *translations.names(name)))

    def field(self, *more):
        """The stored vector; `more`: tsvector columns of the same row to add to it."""
        parts = [
            SearchVector(*self.with_translations(names), weight=weight, config=SEARCH_CONFIG)
            for names, weight in ((self.title, "A"), (self.body, "B"))
            if names
        ]
        expression = models.Func(
            *parts,
            *more,
            template="(%(expressions)s)",
            arg_joiner=" || ",
            output_field=SearchVectorField(),
        )
        return models.GeneratedField(
            expression=expression,
            output_field=SearchVectorField(),
            db_persist=True,
            serialize=False,
            verbose_name=_("searched words"),
        )

    @staticmethod
    def index(model_name):
        return GinIndex(fields=["search_vector"], name=f"search_{model_name}")

    @staticmethod
    def columns(model):
        """The stored-words columns of `model`, which no page needs to read."""
        return [
            field.name
            for field in model._meta.concrete_fields
            if isinstance(getattr(field, "output_field", field), SearchVectorField)
        ]


def status_field():
    return models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        db_index=True,
        help_text=_("Only published items are shown to the public. Drafts are visible to staff."),
    )


def validate_time_zone(value):
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationError(
            _("“%(value)s” is not a time zone name. Use a name such as Europe/Zurich."),
            params={"value": value},
            code="invalid_time_zone",
        ) from None


MONTH_CHOICES = [
    (1, _("January")), (2, _("February")), (3, _("March")), (4, _("April")), (5, _("May")),
    (6, _("June")), (7, _("July")), (8, _("August")), (9, _("September")),
    (10, _("October")), (11, _("November")), (12, _("December")),
]  # fmt: skip
