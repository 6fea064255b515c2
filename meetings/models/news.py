"""News posts and their categories."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from markdownx.models import MarkdownxField

from ..addresses import page_path
from .common import PublicManager, Publishable, Searched, status_field
from .programmes import Meeting
from .translations import in_language, translated


@translated("name")
class NewsCategory(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("news category")
        verbose_name_plural = _("news categories")

    def __str__(self):
        return in_language(self, "name")

    def get_absolute_url(self):
        return reverse("meetings:news_list") + f"?category={self.slug}"


@translated("title", "body")
class NewsPost(Publishable, models.Model):
    title = models.CharField(_("title"), max_length=300)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    posted_on = models.DateField(_("posted on"))
    body = MarkdownxField(_("text"))
    categories = models.ManyToManyField(
        NewsCategory, verbose_name=_("categories"), blank=True, related_name="posts"
    )
    meeting = models.ForeignKey(
        Meeting,
        verbose_name=_("related meeting"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="news_posts",
    )
    status = status_field()

    searched = Searched(title=("title",), body=("body",), translated=True)
    search_vector = searched.field()

    objects = PublicManager()

    class Meta:
        ordering = ["-posted_on", "-pk"]
        verbose_name = _("news post")
        verbose_name_plural = _("news posts")
        indexes = [Searched.index("newspost")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return page_path("meetings:news_detail", self.slug)
