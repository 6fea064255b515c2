from django.conf import settings
from django.contrib import admin
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from markdownx.views import ImageUploadView, MarkdownifyView

from meetings.sitemaps import SITEMAPS

admin.site.site_header = "Victim assistance programmes: back office"
admin.site.site_title = "VA programmes admin"
admin.site.index_title = "Meetings, programmes and coordination"

urlpatterns = [
    path("admin/", admin.site.urls),
    # django-markdownx's preview and upload endpoints serve the admin editor only: staff only.
    path(
        "markdownx/markdownify/",
        staff_member_required(MarkdownifyView.as_view()),
        name="markdownx_markdownify",
    ),
    path(
        "markdownx/upload/",
        staff_member_required(ImageUploadView.as_view()),
        name="markdownx_upload",
    ),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
    path("", include("meetings.urls")),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
