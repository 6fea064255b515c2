"""Remote participation and recordings in the database: links are https:// only, refused with a
clear message by the form's validation and by the database alike; interpretation is into the six
UN languages, kept once each in the UN's order; a session has one recording of a kind in a
language."""

import factories
import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from meetings.models import Programme, Recording, Session

HTTPS_MESSAGE = "Enter a full web address starting with https://"


@pytest.mark.parametrize(
    "bad", ["http://webtv.un.org/en", "ftp://conf.unog.ch/x", "javascript:alert(1)", "webtv"]
)
def test_a_session_link_that_is_not_https_is_refused_with_a_clear_message(make_session, bad):
    session = make_session(1)
    session.remote_url = bad
    with pytest.raises(ValidationError) as refused:
        session.full_clean()
    assert HTTPS_MESSAGE in " ".join(refused.value.message_dict["remote_url"])


def test_the_database_refuses_a_link_that_is_not_https(make_session):
    session = make_session(1)
    with pytest.raises(IntegrityError, match="session_remote_url_https"), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(remote_url="http://webtv.un.org/en")
    programme = session.programme
    with pytest.raises(IntegrityError, match="programme_remote_url_https"), transaction.atomic():
        Programme.objects.filter(pk=programme.pk).update(remote_url="http://webtv.un.org/en")


def test_a_recording_that_is_not_https_is_refused_by_validation_and_by_the_database(
    make_session,
):
    session = make_session(1)
    recording = Recording(session=session, kind="video", url="http://webtv.un.org/en/asset/x")
    with pytest.raises(ValidationError) as refused:
        recording.full_clean()
    assert HTTPS_MESSAGE in " ".join(refused.value.message_dict["url"])
    with pytest.raises(IntegrityError, match="recording_url_https"), transaction.atomic():
        recording.save()
    assert not Recording.objects.filter(session=session).exists()


def test_a_session_has_one_recording_of_a_kind_in_a_language(make_session):
    session = make_session(1)
    factories.RecordingFactory(session=session, kind="audio", language="fr")
    again = Recording(session=session, kind="audio", language="fr", url="https://conf.unog.ch/x")
    with pytest.raises(ValidationError) as refused:
        again.full_clean()
    assert "already has a recording of this kind in this language" in str(refused.value)
    # The same language's video, or another language's audio, is another recording.
    Recording(session=session, kind="video", language="fr", url="https://x.un.org/").full_clean()
    Recording(session=session, kind="audio", language="es", url="https://x.un.org/").full_clean()


def test_interpretation_is_into_the_un_languages_only(make_session):
    session = make_session(1)
    session.interpretation = ["fr", "de"]
    with pytest.raises(ValidationError) as refused:
        session.full_clean()
    assert "interpretation" in refused.value.message_dict
    with pytest.raises(IntegrityError, match="interpretation_un_languages"), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(interpretation=["de"])


def test_interpretation_is_kept_once_each_in_the_un_order(make_session):
    session = make_session(1)
    session.interpretation = ["es", "ar", "es", "en"]
    session.save()
    session.refresh_from_db()
    assert session.interpretation == ["ar", "en", "es"]


def test_a_session_follows_its_programmes_remote_participation_unless_it_has_its_own(
    make_session,
):
    session = make_session(1)
    programme = session.programme
    programme.remote_url = "https://webtv.un.org/en/programme"
    programme.hybrid = True
    programme.interpretation = ["en", "fr"]
    assert session.follow_url == "https://webtv.un.org/en/programme"
    assert session.is_hybrid is True
    assert session.interpretation_names == ["English", "French"]
    session.remote_url = "https://webtv.un.org/en/session"
    session.hybrid = False
    session.interpretation = ["ru"]
    assert session.follow_url == "https://webtv.un.org/en/session"
    assert session.is_hybrid is False
    assert session.interpretation_names == ["Russian"]


def test_recordings_are_listed_video_first_then_the_floor_then_each_language(make_session):
    session = make_session(1)
    made = ["es", "fr", "zh", "floor", "ru", "ar", "en"]  # none in its place
    for language in made:
        factories.RecordingFactory(session=session, kind="audio", language=language)
    factories.RecordingFactory(session=session, kind="video", language="floor")
    listed = [str(r) for r in Recording.objects.filter(session=session)]
    audio = "Audio (UN Geneva Digital Recordings Portal)"
    assert listed == [
        "Video (UN Web TV), Floor (the speakers' own languages)",
        f"{audio}, Floor (the speakers' own languages)",
        *(f"{audio}, {name}" for name in ["Arabic", "Chinese", "English", "French", "Russian"]),
        f"{audio}, Spanish",
    ]
