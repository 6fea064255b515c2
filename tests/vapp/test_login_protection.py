"""Guessing passwords at the admin's sign-in is stopped after a few failures (django-axes), and
a client cannot escape the lock by writing addresses into X-Forwarded-For."""

import pytest
from django.test import Client

from vapp.login_protection import client_address

LOGIN = "/admin/login/?next=/admin/"
LIMIT = 5  # LOGIN_FAILURE_LIMIT's default


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user("isu-staff", password="right-pw-1", is_staff=True)


def sign_in(username, password, **headers):
    client = Client(REMOTE_ADDR=headers.pop("remote_addr", "198.51.100.7"))
    response = client.post(LOGIN, {"username": username, "password": password}, headers=headers)
    return response, client


def test_a_right_password_signs_in(staff):
    response, client = sign_in("isu-staff", "right-pw-1")
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_after_five_failures_even_the_right_password_is_refused_with_a_clear_page(staff):
    for _ in range(LIMIT - 1):
        response, _client = sign_in("isu-staff", "guess")
        assert response.status_code == 200  # the form again, "Please enter the correct ..."
    assert sign_in("isu-staff", "guess")[0].status_code == 429  # the fifth failure locks
    response, client = sign_in("isu-staff", "right-pw-1")
    assert response.status_code == 429
    assert "Signing in is paused" in response.content.decode()
    assert "refused for 15 minutes" in response.content.decode()
    assert client.get("/admin/").status_code == 302  # not signed in


def test_a_success_before_the_limit_starts_the_count_again(staff):
    for _ in range(LIMIT - 1):
        sign_in("isu-staff", "guess")
    assert sign_in("isu-staff", "right-pw-1")[0].status_code == 302
    for _ in range(LIMIT - 1):
        sign_in("isu-staff", "guess")
    assert sign_in("isu-staff", "right-pw-1")[0].status_code == 302


def test_one_address_trying_many_names_is_locked_whatever_x_forwarded_for_says(staff):
    for n in range(LIMIT):
        sign_in(f"name-{n}", "guess", x_forwarded_for=f"203.0.113.{n}")
    response, _client = sign_in("isu-staff", "right-pw-1", x_forwarded_for="192.0.2.99")
    assert response.status_code == 429


PROXY = "10.0.0.2"  # the address of our proxy nearest the app, as the app sees it


def fail_five_times(remote_addr=PROXY, **headers):
    """Five failed sign-ins, each for a different user name, so only an address lock can stop
    a sixth."""
    for n in range(LIMIT):
        sign_in(f"name-{n}", "guess", remote_addr=remote_addr, **headers)


def test_behind_one_proxy_the_address_it_saw_counts_not_one_the_client_wrote(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for n in range(LIMIT):  # a spoofed address on the left, our proxy's entry on the right
        sign_in(
            f"name-{n}", "guess", remote_addr=PROXY, x_forwarded_for=f"203.0.113.{n}, 198.51.100.7"
        )
    response, _client = sign_in(
        "isu-staff", "right-pw-1", remote_addr=PROXY, x_forwarded_for="192.0.2.1, 198.51.100.7"
    )
    assert response.status_code == 429
    # Another delegate's address, behind the same proxy, is not locked out.
    response, _client = sign_in(
        "isu-staff", "right-pw-1", remote_addr=PROXY, x_forwarded_for="198.51.100.8"
    )
    assert response.status_code == 302


def test_behind_one_proxy_a_locked_address_locks_out_no_other(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    fail_five_times(x_forwarded_for="198.51.100.7")  # one entry: the address our proxy saw
    assert sign_in("isu-staff", "right-pw-1", x_forwarded_for="198.51.100.7")[0].status_code == 429
    response, _client = sign_in("isu-staff", "right-pw-1", x_forwarded_for="198.51.100.8")
    assert response.status_code == 302


def test_behind_two_proxies_the_address_the_outer_one_wrote_counts(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 2
    # The outer proxy appended the client's address, the inner one the outer one's.
    for n in range(LIMIT):
        sign_in(
            f"name-{n}",
            "guess",
            remote_addr=PROXY,
            x_forwarded_for=f"203.0.113.{n}, 198.51.100.7, 10.0.0.1",
        )
    locked, _client = sign_in(
        "isu-staff", "right-pw-1", remote_addr=PROXY, x_forwarded_for="198.51.100.7, 10.0.0.1"
    )
    other, _client = sign_in(
        "isu-staff", "right-pw-1", remote_addr=PROXY, x_forwarded_for="198.51.100.8, 10.0.0.1"
    )
    assert (locked.status_code, other.status_code) == (429, 302)


@pytest.mark.parametrize("count, header", [(1, None), (1, "not-an-address"), (2, "198.51.100.7")])
def test_sign_ins_without_a_usable_address_share_no_lock(staff, settings, count, header):
    """Failures whose address is missing (no header, junk, fewer entries than proxies) count
    against their user names only: they must not lock out every other such sign-in."""
    settings.TRUSTED_PROXY_COUNT = count
    headers = {} if header is None else {"x_forwarded_for": header}
    fail_five_times(**headers)
    assert sign_in("isu-staff", "right-pw-1", **headers)[0].status_code == 302


def test_sign_ins_without_a_usable_address_are_still_locked_by_user_name(staff, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(LIMIT):
        sign_in("isu-staff", "guess", remote_addr=PROXY)
    assert sign_in("isu-staff", "right-pw-1", remote_addr=PROXY)[0].status_code == 429
    response, _client = sign_in("isu-staff", "right-pw-1", x_forwarded_for="198.51.100.8")
    assert response.status_code == 429  # the name is locked, from any address


@pytest.mark.parametrize(
    "count, remote_addr, header, address",
    [
        (0, "198.51.100.7", "203.0.113.1", "198.51.100.7"),  # no proxy: the header is ignored
        (1, PROXY, "198.51.100.7", "198.51.100.7"),
        (1, PROXY, "203.0.113.1, 192.0.2.5, 198.51.100.7", "198.51.100.7"),
        (2, PROXY, "203.0.113.1, 198.51.100.7, 10.0.0.1", "198.51.100.7"),
        (2, PROXY, "198.51.100.7,10.0.0.1", "198.51.100.7"),
        (1, PROXY, "2001:db8::7", "2001:db8::7"),
        (1, PROXY, "[2001:db8::7]:51234", "2001:db8::7"),
        (1, PROXY, "198.51.100.7:51234", "198.51.100.7"),
        (1, PROXY, "::ffff:198.51.100.7", "198.51.100.7"),
        (1, PROXY, "", None),
        (1, PROXY, "198.51.100.7, unknown", None),
        (2, PROXY, "198.51.100.7", None),
        (0, "", "198.51.100.7", None),
    ],
)
def test_the_client_address_is_the_entry_our_proxies_wrote(
    settings, rf, count, remote_addr, header, address
):
    settings.TRUSTED_PROXY_COUNT = count
    request = rf.get("/", REMOTE_ADDR=remote_addr, HTTP_X_FORWARDED_FOR=header)
    assert client_address(request) == address
