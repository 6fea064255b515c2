"""Following a programme or a session from afar: the link to follow it remotely, whether it is
hybrid, the languages it is interpreted into, and afterwards its recordings (UN Web TV's video,
the UN Geneva Digital Recordings Portal's audio of the floor and of each interpretation)."""

from django import forms
from django.contrib.postgres.fields import ArrayField
from django.core.validators import URLValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .common import ChoiceLabels, Edition, PublicQuerySet, Publishable

HTTPS = "https://"


class UNLanguage(models.TextChoices):
    """The six official languages of the United Nations, in the order the UN lists them."""

    ARABIC = "ar", _("Arabic")
    CHINESE = "zh", _("Chinese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    RUSSIAN = "ru", _("Russian")
    SPANISH = "es", _("Spanish")


UN_ORDER = {code: n for n, code in enumerate(UNLanguage.values)}
FLOOR = "floor"  # a recording of the floor: the speakers' own languages

validate_https = URLValidator(
    schemes=["https"],
    message=_("Enter a full web address starting with https://, e.g. https://webtv.un.org/…"),
    code="not_https",
)


class HttpsURLField(models.URLField):
    """A web address; one typed without its scheme is taken as https:// in the form."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


def remote_url_field():
    return HttpsURLField(
        _("link to follow remotely"),
        max_length=500,
        blank=True,
        validators=[validate_https],
        help_text=_("An https:// address where delegates follow it online (UN Web TV, a webinar)."),
    )


def https_only(name, field="remote_url"):
    """The database's side of validate_https: empty, or an https:// address."""
    return models.CheckConstraint(
        condition=Q(**{field: ""}) | Q(**{f"{field}__startswith": HTTPS}),
        name=name,
        violation_error_message=_("A link must be a web address starting with https://."),
    )


class LanguagesField(ArrayField):
    """A list of UN language codes, edited as one checkbox per language, kept in the UN's order
    without repeats."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("base_field", models.CharField(max_length=2, choices=UNLanguage.choices))
        kwargs.setdefault("default", list)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("base_field", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=UNLanguage.choices,
            widget=forms.CheckboxSelectMultiple,
            required=not self.blank,
            label=self.verbose_name,
            help_text=self.help_text,
        )

    def to_python(self, value):
        value = super().to_python(value)
        return in_un_order(value) if isinstance(value, list) else value

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if isinstance(value, list):
            value = in_un_order(value)
            setattr(model_instance, self.attname, value)
        return value


def in_un_order(codes):
    """The known codes of `codes`, once each, in the UN's order; unknown ones after, as given
    (the field's validation refuses them)."""
    known = sorted({c for c in codes if c in UN_ORDER}, key=UN_ORDER.__getitem__)
    unknown = [c for n, c in enumerate(codes) if c not in UN_ORDER and c not in codes[:n]]
    return known + unknown


def interpretation_field(help_text):
    return LanguagesField(verbose_name=_("interpretation into"), help_text=help_text)


def un_languages_only(name):
    return models.CheckConstraint(
        condition=Q(interpretation__contained_by=UNLanguage.values),
        name=name,
        violation_error_message=_("Interpretation is into the six UN languages only."),
    )


def language_names(codes):
    """['Arabic', 'Chinese', ...] in the active language."""
    return [str(UNLanguage(code).label) for code in codes if code in UN_ORDER]


class LanguageOrder(models.Func):
    """A recording's place by its language: the floor first, then the UN languages in the UN's
    order; any other code NULL. One SQL function of a fixed list, which costs a query little to
    build (a CASE of a WHEN per language cost each query of recordings 1.3 ms to build)."""

    # Constants of this module, not input: written into the SQL as they are, once.
    CODES = [FLOOR, *UN_ORDER]
    assert all(code.isalpha() for code in CODES)
    template = (
        f"array_position(ARRAY[{', '.join(repr(code) for code in CODES)}]::text[],"
        " %(expressions)s::text)"
    )
    output_field = models.IntegerField()

    def __init__(self):
        super().__init__(F("language"))


class Recording(ChoiceLabels, Publishable, models.Model):
    """A recording of a session, published with the programme's revisions like the rest of it."""

    class Kind(models.TextChoices):
        VIDEO = "video", _("Video (UN Web TV)")
        AUDIO = "audio", _("Audio (UN Geneva Digital Recordings Portal)")

    FLOOR = FLOOR
    LANGUAGES = [(FLOOR, _("Floor (the speakers' own languages)")), *UNLanguage.choices]

    session = models.ForeignKey(
        "meetings.Session",
        verbose_name=_("session"),
        on_delete=models.CASCADE,
        limit_choices_to={"programme__edition": Edition.WORKING},
        related_name="recordings",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.VIDEO)
    language = models.CharField(
        _("language"),
        max_length=5,
        choices=LANGUAGES,
        default=FLOOR,
        help_text=_("The floor, or the language of the interpretation recorded."),
    )
    url = HttpsURLField(
        _("address"),
        max_length=500,
        validators=[validate_https],
        help_text=_(
            "e.g. https://webtv.un.org/en/asset/… or https://conf.unog.ch/digitalrecordings/…"
        ),
    )

    objects = PublicQuerySet.as_manager()
    status_paths = ("session__programme__", "session__programme__meeting__")
    edition_path = "session__programme__"

    class Meta:
        # Video first, then the floor's audio, then each interpretation in the UN's order.
        ordering = ["session_id", F("kind").desc(), LanguageOrder().asc(nulls_last=True), "pk"]
        verbose_name = _("recording")
        verbose_name_plural = _("recordings")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "kind", "language"],
                name="recording_one_per_session_kind_language",
                violation_error_message=_(
                    "This session already has a recording of this kind in this language."
                ),
            ),
            models.CheckConstraint(
                condition=Q(url__startswith=HTTPS),
                name="recording_url_https",
                violation_error_message=_("A link must be a web address starting with https://."),
            ),
            models.CheckConstraint(
                condition=Q(language="floor") | Q(language__in=UNLanguage.values),
                name="recording_language_known",
                violation_error_message=_("A recording is of the floor or of a UN language."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}, {self.get_language_display()}"

    def get_absolute_url(self):
        return self.session.get_absolute_url() + f"#recordings-{self.session.slug}"

    @property
    def is_floor(self):
        return self.language == self.FLOOR

    @property
    def label(self):
        """What its link says, in the active language: "Audio of the interpretation into
        French (UN Geneva Digital Recordings Portal)"."""
        if self.kind == self.Kind.VIDEO:
            if self.is_floor:
                return gettext("Video (UN Web TV)")
            return gettext("Video (UN Web TV), %(language)s") % {
                "language": self.get_language_display()
            }
        if self.is_floor:
            return gettext("Audio of the floor (UN Geneva Digital Recordings Portal)")
        return gettext(
            "Audio of the interpretation into %(language)s (UN Geneva Digital Recordings Portal)"
        ) % {"language": self.get_language_display()}

    @property
    def hreflang(self):
        """The language one hears, for the link's hreflang: none for the floor's."""
        return "" if self.is_floor else self.language
