"""The markdown editor's preview and image upload, at django-markdownx's addresses, our own.

Both answer only an active staff user allowed to change some content, to POST only. The preview
goes through the one sanitising renderer (meetings.markdown); a text past its limits gets the
message the form would give, without being parsed. An image is checked by what it is
(Pillow must decode it whole, as PNG, JPEG, GIF or WebP, within a byte and a pixel limit), then
re-encoded (dropping metadata and anything appended), scaled down to EDITOR_IMAGE_MAX_SIDE, and
stored under a name the server makes up.
"""

import io
import re
import uuid

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from PIL import Image, ImageOps, UnidentifiedImageError

from meetings.markdown import check_limits, render_markdown
from meetings.models.programmes import size_and_limit

FORMATS = {"PNG", "JPEG", "GIF", "WEBP"}
FOLDER = "markdownx"


def can_edit_content(user):
    """Staff with a permission to change some content (the "ISU editor" group has them)."""
    return (
        user.is_active
        and user.is_staff
        and any(perm.startswith("meetings.change_") for perm in user.get_all_permissions())
    )


def _refused():
    return JsonResponse(
        {"error": "Only logged-in staff who edit content may use the editor."}, status=403
    )


class EditorImageForm(forms.Form):
    image = forms.FileField(
        error_messages={
            "required": "Choose an image to upload.",
            "empty": "The file is empty.",
        }
    )

    def clean_image(self):
        upload = self.cleaned_data["image"]
        limit = settings.MARKDOWNX_UPLOAD_MAX_SIZE
        if upload.size > limit:
            size, limit = size_and_limit(upload.size, limit)
            raise forms.ValidationError(
                _("The image is %(size)s; the limit is %(limit)s.") % {"size": size, "limit": limit}
            )
        try:
            probe = Image.open(upload)
        except Image.DecompressionBombError:
            raise _too_many_pixels() from None
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            # Unrecognised, whichever plugin gave up first (which depends on the plugins
            # loaded in this process): not an image, as opposed to a damaged one below.
            raise _not_an_image() from None
        try:
            with probe:
                kind, (width, height) = probe.format, probe.size
                if kind not in FORMATS:
                    raise forms.ValidationError(
                        f"A {kind} image cannot be used: upload a PNG, JPEG, GIF or WebP image."
                    )
                if width * height > settings.EDITOR_IMAGE_MAX_PIXELS:
                    raise forms.ValidationError(
                        f"The image is {width} x {height} pixels; the limit is "
                        f"{number_format(settings.EDITOR_IMAGE_MAX_PIXELS)} pixels."
                    )
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()  # decodes every pixel: a truncated or forged file fails here
                return _reencoded(image, kind)
        except forms.ValidationError:
            raise
        except Image.DecompressionBombError:
            raise _too_many_pixels() from None
        except (OSError, SyntaxError, ValueError):
            raise forms.ValidationError(
                "This image is damaged or incomplete and cannot be used."
            ) from None


def _not_an_image():
    return forms.ValidationError(
        "This file is not an image we can use: upload a PNG, JPEG, GIF or WebP image."
    )


def _too_many_pixels():
    return forms.ValidationError(
        "The image has too many pixels; the limit is "
        f"{number_format(settings.EDITOR_IMAGE_MAX_PIXELS)} pixels."
    )


def _reencoded(image, kind):
    """The image drawn anew: upright, no metadata, no trailing bytes, at most the allowed size."""
    image = ImageOps.exif_transpose(image)
    side = settings.EDITOR_IMAGE_MAX_SIDE
    if max(image.size) > side:
        image.thumbnail((side, side))
    out = io.BytesIO()
    if kind == "JPEG":
        image.convert("RGB").save(out, "JPEG", quality=88, optimize=True)
        return out.getvalue(), "jpg"
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    image.save(out, "PNG", optimize=True)
    return out.getvalue(), "png"


@require_POST
def markdownify(request):
    """The editor's preview: sanitised HTML of the posted markdown."""
    if not can_edit_content(request.user):
        return _refused()
    content = request.POST.get("content")
    if content is None:
        return HttpResponse("Nothing to preview.", status=400, content_type="text/plain")
    try:
        check_limits(content)
    except ValidationError as error:  # shown in place of the preview by the editor's script
        return HttpResponse(
            format_html('<p class="errornote">{}</p>', " ".join(error.messages)), status=400
        )
    return HttpResponse(render_markdown(content))


@require_POST
def upload_image(request):
    """An image for a markdown field; answers with the markdown that shows it."""
    if not can_edit_content(request.user):
        return _refused()
    form = EditorImageForm(files=request.FILES)
    if not form.is_valid():
        return JsonResponse(form.errors, status=400)
    data, extension = form.cleaned_data["image"]
    name = default_storage.save(f"{FOLDER}/{uuid.uuid4().hex}.{extension}", ContentFile(data))
    # Always the site's own address, whatever storage holds it: pages and the PDF show images
    # from the site's media only (meetings/markdown.py), and object storage URLs expire.
    return JsonResponse({"image_code": f"![]({settings.MEDIA_URL}{name})"})


IMAGE_NAME = re.compile(r"[0-9a-f]{32}\.(png|jpg)")


def image(request, name):
    """An editor's image, from whichever storage holds the media (local disk or object
    storage), for the public pages. Names are the server's own random ones, never reused."""
    if not IMAGE_NAME.fullmatch(name):
        raise Http404("No such image.")
    try:
        handle = default_storage.open(f"{FOLDER}/{name}", "rb")
    except (FileNotFoundError, OSError):
        raise Http404("No such image.") from None
    kind = "image/png" if name.endswith(".png") else "image/jpeg"
    response = FileResponse(handle, content_type=kind)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
