"""Pieces shared by the models: publication state and validators."""

from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft - not public")
    PUBLISHED = "published", _("Published")


class PublishableQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Status.PUBLISHED)


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
