from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from meetings.admin import editor
from meetings.public.sitemaps import index as sitemap_index
from meetings.public.sitemaps import section as sitemap_section
from meetings.public.views import robots_txt

admin.site.site_header = "Victim assistance programmes: back office"
admin.site.site_title = "VA programmes admin"
admin.site.index_title = "Meetings, programmes and coordination"

urlpatterns = [
    path("admin/", admin.site.urls),
    # The markdown editor's preview and image upload, at the addresses its JavaScript posts to:
    # our own views, for staff who edit content only (meetings/admin/editor.py).
    path("markdownx/markdownify/", editor.markdownify, name="markdownx_markdownify"),
    path("markdownx/upload/", editor.upload_image, name="markdownx_upload"),
    # Their images, read from the media storage (local disk or object storage).
    path(
        f"{settings.MEDIA_URL.strip('/')}/{editor.FOLDER}/<str:name>",
        editor.image,
        name="editor_image",
    ),
    path("sitemap.xml", sitemap_index, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_section,
        name="sitemap_section",
    ),
    # Robots read /robots.txt only: it stays outside the language prefixes.
    path("robots.txt", robots_txt, name="robots_txt"),
]
# The public site in each language: English at /, French at /fr/, Spanish at /es/.
urlpatterns += i18n_patterns(
    path("", include("meetings.public.urls")), prefix_default_language=False
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
