"""The markdown editor's preview and image upload (meetings/admin/editor.py): staff who edit content
only; images checked by content, limited, re-encoded and stored under a server-made name."""

import io
import struct
import zlib
from unittest import mock

import factories
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from meetings import markdown

PREVIEW, UPLOAD = "/markdownx/markdownify/", "/markdownx/upload/"


def image_bytes(kind="PNG", size=(40, 30), **options):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, kind, **options)
    return out.getvalue()


def upload(client, data, name="photo.png", content_type="image/png"):
    return client.post(UPLOAD, {"image": SimpleUploadedFile(name, data, content_type)})


def stored(media):
    folder = media / "markdownx"
    return sorted(folder.iterdir()) if folder.exists() else []


def client_of(user):
    """A browser of its own, logged in as `user` (fixtures sharing `client` would share one)."""
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff_client(db):
    """Staff, but in no group: may log in to the admin, may not change content."""
    return client_of(factories.UserFactory(username="clerk", is_staff=True))


@pytest.fixture
def member_client(db):
    return client_of(factories.UserFactory(username="member"))


# -- who may use them -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["anonymous", "member", "staff without content rights"])
def test_the_preview_and_upload_refuse_all_but_content_editors(
    who, client, member_client, staff_client, media
):
    chosen = {"anonymous": client, "member": member_client}.get(who, staff_client)
    response = chosen.post(PREVIEW, {"content": "**hello**"})
    assert response.status_code == 403
    assert b"<strong>" not in response.content
    response = upload(chosen, image_bytes())
    assert response.status_code == 403
    assert stored(media) == []


@pytest.mark.django_db
def test_only_post_is_answered(editor_client):
    assert editor_client.get(PREVIEW).status_code == 405
    assert editor_client.get(UPLOAD).status_code == 405


@pytest.mark.django_db
def test_the_preview_is_sanitised(editor_client):
    response = editor_client.post(
        PREVIEW, {"content": "**bold** <script>alert(1)</script> [a](javascript:alert(1))"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>bold</strong>" in html
    assert "<script" not in html and 'href="javascript' not in html


@pytest.mark.django_db
def test_a_preview_without_content_is_a_clear_400(editor_client):
    response = editor_client.post(PREVIEW, {})
    assert response.status_code == 400
    assert b"Nothing to preview" in response.content


@pytest.mark.django_db
def test_a_text_past_the_limits_gets_the_message_instead_of_a_preview(editor_client):
    deep = "".join("  " * level + "- item\n" for level in range(600))
    with mock.patch.object(markdown._parser, "render") as parse:
        response = editor_client.post(PREVIEW, {"content": deep})
    assert parse.call_count == 0
    assert response.status_code == 400
    assert response.content.decode() == (
        '<p class="errornote">This text is 363,600 characters long; '
        "the limit is 50,000 characters.</p>"
    )


# -- what an upload may be --------------------------------------------------------------------


@pytest.mark.django_db
def test_an_image_is_stored_re_encoded_under_a_name_of_the_servers(editor_client, media):
    response = upload(editor_client, image_bytes(), name='../../"evil\r\n\u202egnp.png')
    assert response.status_code == 200
    [path] = stored(media)
    assert response.json() == {"image_code": f"![](/media/markdownx/{path.name})"}
    assert path.stem.isalnum() and len(path.stem) == 32 and path.suffix == ".png"
    with Image.open(path) as image:
        assert image.format == "PNG" and image.size == (40, 30)


@pytest.mark.django_db
def test_a_photo_loses_its_metadata_and_anything_appended(editor_client, media):
    exif = Image.Exif()
    exif[0x010F] = "SecretCameraMaker"  # any tag: a GPS position would be dropped the same way
    data = image_bytes("JPEG", exif=exif.tobytes()) + b"<script>alert(1)</script>"
    response = upload(editor_client, data, name="x.jpg", content_type="image/jpeg")
    assert response.status_code == 200
    [path] = stored(media)
    content = path.read_bytes()
    assert path.suffix == ".jpg"
    assert b"SecretCameraMaker" not in content and b"<script>" not in content
    with Image.open(path) as image:
        assert image.format == "JPEG"


@pytest.mark.django_db
def test_a_gif_is_stored_as_a_png(editor_client, media):
    response = upload(editor_client, image_bytes("GIF") + b"<html>", name="a.gif")
    assert response.status_code == 200
    [path] = stored(media)
    assert path.suffix == ".png" and b"<html>" not in path.read_bytes()


@pytest.mark.django_db
def test_a_large_image_is_scaled_down(editor_client, media, settings):
    settings.EDITOR_IMAGE_MAX_SIDE = 100
    assert upload(editor_client, image_bytes(size=(400, 200))).status_code == 200
    [path] = stored(media)
    with Image.open(path) as image:
        assert image.size == (100, 50)


def png_claiming(width, height):
    """A valid 1 x 1 PNG whose header claims another size (a decompression bomb's shape)."""
    data = bytearray(image_bytes(size=(1, 1)))
    header = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = header
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + header))
    return bytes(data)


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>'
REFUSED = {
    "svg": (SVG, "x.svg", "image/svg+xml", "not an image we can use"),
    "svg sent as png": (SVG, "x.png", "image/png", "not an image we can use"),
    "html renamed png": (b"<html><script>alert(1)</script></html>", "x.png", "image/png", "not an"),
    "png header then html": (
        b"\x89PNG\r\n\x1a\n<html><script>alert(1)</script>",
        "x.png",
        "image/png",
        "not an image we can use",
    ),
    "truncated png": (image_bytes(size=(300, 300))[:200], "x.png", "image/png", "damaged"),
    "bmp": (image_bytes("BMP"), "x.bmp", "image/bmp", "A BMP image cannot be used"),
    "empty": (b"", "x.png", "image/png", "The file is empty"),
    "pixel bomb": (png_claiming(50_000, 50_000), "x.png", "image/png", "the limit is"),
}


@pytest.mark.django_db
@pytest.mark.parametrize("data, name, content_type, message", REFUSED.values(), ids=REFUSED.keys())
def test_a_bad_upload_is_refused_with_a_message_and_nothing_stored(
    editor_client, media, data, name, content_type, message
):
    response = upload(editor_client, data, name=name, content_type=content_type)
    assert response.status_code == 400
    assert message in response.json()["image"][0]
    assert stored(media) == []


@pytest.mark.django_db
def test_an_oversized_file_is_refused_before_it_is_decoded(editor_client, media, settings):
    settings.MARKDOWNX_UPLOAD_MAX_SIZE = 100
    response = upload(editor_client, image_bytes())
    assert response.status_code == 400
    assert response.json()["image"][0].endswith("; the limit is 100\xa0bytes.")
    assert stored(media) == []


@pytest.mark.django_db
def test_an_upload_without_a_file_is_a_clear_400(editor_client, media):
    response = editor_client.post(UPLOAD, {})
    assert response.status_code == 400
    assert response.json()["image"] == ["Choose an image to upload."]
