"""meetings/addresses.py: page_path() writes the path reverse() writes, from a kept template."""

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, reverse, set_script_prefix
from django.utils import translation

from meetings import addresses
from meetings.models import Document

# Every name page_path() is given by a model, with plain arguments of each converter.
NAMED = [
    ("meetings:meeting_detail", ("intersessional-meetings-may-2012",)),
    ("meetings:programme_detail", ("a-meeting", "parallel_programme-2")),
    ("meetings:session_detail", ("a-meeting", "a-programme", "opening")),
    ("meetings:action_plan_detail", ("cartagena-action-plan",)),
    ("meetings:action_detail", ("cartagena-action-plan", 24)),
    ("meetings:action_detail", ("lausanne-action-plan", 0)),
    ("meetings:news_detail", ("a-post",)),
    ("meetings:work_plan_detail", ("ccm-coordinators-2023-2024",)),
]


@pytest.fixture
def script_prefix():
    """Restores the script prefix a test sets (Django keeps it per thread)."""
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize(("name", "args"), NAMED)
@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
def test_page_path_is_the_path_reverse_writes_in_every_language(name, args, language):
    with translation.override(language):
        assert addresses.page_path(name, *args) == reverse(name, args=args)


def test_a_kept_template_follows_the_language_and_the_script_prefix(script_prefix):
    name, args = "meetings:session_detail", ("m", "p", "s")
    english = addresses.page_path(name, *args)
    with translation.override("fr"):
        french = addresses.page_path(name, *args)
    script_prefix("/va/")
    under_prefix = addresses.page_path(name, *args)
    assert english == "/meetings/m/p/sessions/s/"
    assert french == "/fr/meetings/m/p/sessions/s/"
    assert under_prefix == "/va/meetings/m/p/sessions/s/" == reverse(name, args=args)


def test_braces_and_digits_in_an_argument_are_written_as_they_are():
    # A template is filled with str.format: an argument is never read as a template itself.
    assert addresses.page_path("meetings:news_detail", "1000000000") == "/news/1000000000/"
    assert addresses.page_path("meetings:action_detail", "plan-0", 1_000_000_001) == reverse(
        "meetings:action_detail", args=["plan-0", 1_000_000_001]
    )


@pytest.mark.parametrize(
    "slug",
    ["café", "a b", "{0}", "a/b", ""],
    ids=["unicode", "space", "braces", "slash", "empty"],
)
def test_an_argument_no_converter_takes_is_refused_as_reverse_refuses_it(slug):
    with pytest.raises(NoReverseMatch):
        reverse("meetings:news_detail", args=[slug])
    with pytest.raises(NoReverseMatch):
        addresses.page_path("meetings:news_detail", slug)


@pytest.mark.parametrize("number", [-1, True], ids=["negative", "flag"])
def test_a_negative_number_or_a_flag_is_refused_as_reverse_refuses_it(number):
    with pytest.raises(NoReverseMatch):
        reverse("meetings:action_detail", args=["plan", number])
    with pytest.raises(NoReverseMatch):
        addresses.page_path("meetings:action_detail", "plan", number)


@pytest.mark.parametrize("language", [code for code, _name in settings.LANGUAGES])
@pytest.mark.parametrize("prefix", ["/", "/va/"])
def test_a_documents_file_address_is_the_one_reverse_writes(language, prefix, script_prefix):
    document = Document(pk=12, title="Co-Chairs' paper: «Victim assistance»", language="fr")
    document.file.name = "documents/0123.pdf"
    script_prefix(prefix)
    with translation.override(language):
        assert document.get_absolute_url() == reverse(
            "meetings:document_file", args=[12, "co-chairs-paper-victim-assistance-fr.pdf"]
        )
        document.file.name = ""  # not held: the library
        assert document.get_absolute_url() == reverse("meetings:document_list")
