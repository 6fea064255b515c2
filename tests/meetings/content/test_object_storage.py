"""Media on S3-compatible object storage (MEDIA_S3_BUCKET), as several app machines share it:
documents, rendered PDFs and editor images go to the bucket and are served by the site, which
keeps the bucket private. moto's S3 stands in for the real one, behind the same boto3 calls."""

import io
import os
import uuid

import boto3
import factories
import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from PIL import Image
from pypdf import PdfReader

from meetings.models import Session
from meetings.publishing import pdf
from vapp.settings import env_media_storage


@pytest.fixture
def bucket(settings, monkeypatch):
    """A fresh private bucket (moto's S3, in this process and the PDF renderer's forked child),
    and the site's media storage pointed at it the way the settings module does it from the
    environment."""
    from moto import mock_aws

    for name, value in {
        "AWS_ACCESS_KEY_ID": "test-key",
        "AWS_SECRET_ACCESS_KEY": "test-secret",
        "MEDIA_S3_BUCKET": f"media-{uuid.uuid4().hex[:12]}",
        "MEDIA_S3_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    with mock_aws():
        client = boto3.client("s3", region_name="us-east-1")
        name = os.environ["MEDIA_S3_BUCKET"]
        client.create_bucket(Bucket=name)
        settings.STORAGES = {**settings.STORAGES, "default": env_media_storage("MEDIA_S3_BUCKET")}

        def keys(prefix=""):
            listing = client.list_objects_v2(Bucket=name, Prefix=prefix)
            return [item["Key"] for item in listing.get("Contents", [])]

        yield keys


def png():
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (30, 120, 200)).save(out, "PNG")
    return out.getvalue()


def test_a_document_is_kept_in_the_bucket_and_served_by_the_site(meeting, bucket, client):
    document = factories.DocumentFactory(meeting=meeting, file=None)
    data = b"%PDF-1.4\n% a statement\n%%EOF\n"
    document.file.save("statement.pdf", ContentFile(data))
    [key] = bucket("documents/")
    assert key == document.file.name
    response = client.get(document.get_absolute_url())
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == data
    assert response["Content-Type"] == "application/pdf"


def test_the_programme_pdf_is_rendered_once_into_the_bucket(make_session, bucket, client):
    url = make_session().programme.get_absolute_url() + "programme.pdf"
    first = client.get(url)
    assert first.status_code == 200
    body = first.content  # a small file: answered whole
    assert body.startswith(b"%PDF-")
    [key] = bucket("programmes/")
    caches["default"].clear()  # not from the cache of public responses: from the bucket
    again = client.get(url)
    assert again.content == body
    assert bucket("programmes/") == [key]  # served from the bucket, not rendered again


def test_an_editor_image_goes_to_the_bucket_shows_on_the_site_and_prints(
    make_session, bucket, editor_client, client
):
    upload = ContentFile(png(), name="photo.png")
    response = editor_client.post("/markdownx/upload/", {"image": upload})
    code = response.json()["image_code"]
    address = code[len("![](") : -1]
    assert address.startswith("/media/markdownx/")
    assert bucket("markdownx/") == [address.removeprefix("/media/")]
    image = client.get(address)
    assert image.status_code == 200
    assert image["Content-Type"] == "image/png"
    assert Image.open(io.BytesIO(b"".join(image.streaming_content))).size == (60, 40)

    session = factories.DiscussionQuestionFactory(session=make_session()).session
    Session.objects.filter(pk=session.pk).update(purpose=f"A photo: {code}")
    rendered = pdf.render_pdf(pdf.printable(pdf.programme_html(session.programme)))
    reader = PdfReader(io.BytesIO(rendered.data))
    images = [image for page in reader.pages for image in page.images]
    assert images  # printed wherever the purpose is (the topic and the day's timetable)
    assert {img.image.size for img in images} == {(60, 40)}


def test_a_missing_or_forged_image_name_is_a_404(bucket, client, db):
    assert client.get(f"/media/markdownx/{'a' * 32}.png").status_code == 404
    assert client.get("/media/markdownx/..%2f..%2fetc%2fpasswd").status_code == 404
