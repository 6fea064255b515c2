"""Reference data: conventions, states, organisations, people, venues and rooms."""

from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .translations import in_language, translated


@translated("full_name", "short_name")
class Convention(models.Model):
    short_name = models.CharField(
        _("short name"),
        max_length=20,
        unique=True,
        help_text=_("As used in titles and file names, e.g. APMBC or CCM."),
    )
    full_name = models.CharField(
        _("full name"),
        max_length=300,
        help_text=_("The treaty's full title; it heads every programme PDF."),
    )
    isu_email = models.EmailField(_("ISU e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["short_name"]
        verbose_name = _("convention")
        verbose_name_plural = _("conventions")

    def __str__(self):
        """The acronym in the active language (CIMAP, CPMA): one set per language everywhere."""
        return in_language(self, "short_name")

    def get_absolute_url(self):
        return reverse("meetings:meeting_list") + f"?convention={self.short_name}"


class StateManager(models.Manager):
    def get_by_natural_key(self, iso_code):
        """A fixture names a State by its ISO code (["LA"]), not by a row number: every State
        is loaded by the migrations, with a number each installation gives."""
        return self.get(iso_code=iso_code)


@translated("name", "short_name")
class State(models.Model):
    """A State as the United Nations names it: every ISO 3166-1 country is loaded (migration
    0017 and `manage.py load_states`, from pycountry and CLDR: meetings/content/states.py),
    with the UN's English, French and Spanish names where they differ from ISO's and CLDR's."""

    name = models.CharField(
        _("name"),
        max_length=100,
        unique=True,
        help_text=_("As the United Nations writes it, e.g. Lao People's Democratic Republic."),
    )
    short_name = models.CharField(
        _("short name"),
        max_length=100,
        blank=True,
        help_text=_("A shorter form in use, e.g. Lao PDR; empty if none."),
    )
    official_name = models.CharField(
        _("official name"),
        max_length=200,
        blank=True,
        help_text=_("The formal name, e.g. Republic of Albania; empty if the same as the name."),
    )
    other_names = models.TextField(
        _("other names"),
        blank=True,
        help_text=_(
            "Other names it is known by, one a line: former and common names such as Turkey, "
            "Swaziland, Czech Republic, Vietnam. Pasted lists and the search find it by them."
        ),
    )
    with_article = models.BooleanField(
        _("written with “the”"),
        default=False,
        help_text=_("Ticked where running text writes “the” before the name: the Sudan."),
    )
    iso3_code = models.CharField(
        _("ISO alpha-3 code"),
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^[A-Z]{3}\Z", _("Three capital letters, e.g. CHE."))],
    )
    iso_code = models.CharField(
        _("ISO code"),
        max_length=2,
        unique=True,
        validators=[RegexValidator(r"^[A-Z]{2}\Z", _("Two capital letters, e.g. CH."))],
        help_text=_("ISO 3166-1 alpha-2 code, two capital letters (CH for Switzerland)."),
    )

    objects = StateManager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        constraints = [
            models.CheckConstraint(
                condition=Exact(Length("iso_code"), 2),
                name="state_iso_code_two_letters",
                violation_error_message=_("The ISO code has exactly two letters."),
            ),
        ]

    def __str__(self):
        """The name in the active language (the English where no translation is held), so that
        French and Spanish pages name States in their language wherever they show one."""
        return in_language(self, "name")


class Party(models.Model):
    """A State party to a convention: data staff keep (no source here gives the full lists)."""

    convention = models.ForeignKey(
        Convention, verbose_name=_("convention"), on_delete=models.CASCADE, related_name="parties"
    )
    state = models.ForeignKey(
        State, verbose_name=_("state"), on_delete=models.PROTECT, related_name="party_to"
    )
    since = models.DateField(
        _("party since"),
        null=True,
        blank=True,
        help_text=_("The date the convention entered into force for the State, if known."),
    )

    class Meta:
        ordering = ["convention_id", "state__name"]
        verbose_name = _("State Party")
        verbose_name_plural = _("States Parties")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "state"],
                name="party_unique_state_in_convention",
                violation_error_message=_("This State is already listed as party to it."),
            ),
        ]

    def __str__(self):
        return f"{self.state}, {self.convention}"

    def get_absolute_url(self):
        return self.convention.get_absolute_url()


@translated("name", "acronym")
class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    acronym = models.CharField(
        _("acronym"), max_length=30, blank=True, help_text=_("e.g. ICRC, ICBL, HI.")
    )
    website = models.URLField(_("website"), blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        """In the active language: "Comité international de la Croix-Rouge (CICR)"."""
        name, acronym = in_language(self, "name"), in_language(self, "acronym")
        return f"{name} ({acronym})" if acronym else name


@translated("honorific")
class Person(models.Model):
    name = models.CharField(_("name"), max_length=200)
    honorific = models.CharField(
        _("honorific"),
        max_length=30,
        blank=True,
        help_text=_("e.g. H.E., Dr., Ms.; in French S. E. M., S. E. Mme; in Spanish Excmo. Sr."),
    )
    feminine = models.BooleanField(
        _("titles in the feminine"),
        default=False,
        help_text=_(
            "Ticked for a woman: French and Spanish pages give the office she holds its "
            "feminine name where the office has one (“Coprésidente”, “Copresidenta”)."
        ),
    )
    function = models.CharField(
        _("function"), max_length=200, blank=True, help_text=_("The person's post or role.")
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
    )
    state = models.ForeignKey(
        State,
        verbose_name=_("state"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        help_text=_("The State the person represents, if any."),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        """With the honorific in the active language: "S. E. M. Prak Sokhonn"."""
        honorific = in_language(self, "honorific")
        return f"{honorific} {self.name}" if honorific else self.name


@translated("name", "address", "city")
class Venue(models.Model):
    name = models.CharField(_("name"), max_length=200, help_text=_("e.g. WMO Building."))
    address = models.CharField(_("address"), max_length=300, blank=True)
    city = models.CharField(_("city"), max_length=100)

    class Meta:
        ordering = ["city", "name"]
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        constraints = [
            models.UniqueConstraint(
                fields=["name", "city"],
                name="venue_unique_name_city",
                violation_error_message=_("This city already has a venue of that name."),
            ),
        ]

    def __str__(self):
        """In the active language: "bâtiment de l'OMM, 7 bis, avenue de la Paix, Genève"."""
        parts = (in_language(self, name) for name in ("name", "address", "city"))
        return ", ".join(part for part in parts if part)


@translated("name", "floor")
class Room(models.Model):
    venue = models.ForeignKey(
        Venue, verbose_name=_("venue"), on_delete=models.PROTECT, related_name="rooms"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("e.g. Salle B."))
    floor = models.CharField(
        _("floor"), max_length=100, blank=True, help_text=_("e.g. Ground Floor.")
    )

    class Meta:
        ordering = ["venue_id", "name"]
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "name"],
                name="room_unique_name_in_venue",
                violation_error_message=_("This venue already has a room of that name."),
            ),
        ]

    def __str__(self):
        """The location line as a programme prints it, in the active language."""
        parts = (in_language(self, "name"), in_language(self, "floor"), str(self.venue))
        return ", ".join(part for part in parts if part)
