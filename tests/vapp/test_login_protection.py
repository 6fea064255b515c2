"""Guessing passwords at the admin's sign-in is stopped after a few failures (django-axes), and
a client cannot escape the lock by writing addresses into X-Forwarded-For."""

import pytest
from django.test import Client

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


def test_behind_our_proxy_the_address_it_saw_counts_not_one_the_client_wrote(staff, settings):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR",)
    settings.AXES_IPWARE_PROXY_ORDER = "right-most"
    settings.AXES_IPWARE_PROXY_COUNT = 1  # what TRUSTED_PROXY_COUNT=1 sets
    proxy = "10.0.0.2"
    for n in range(LIMIT):  # a spoofed address on the left, our proxy's entry on the right
        sign_in(
            f"name-{n}", "guess", remote_addr=proxy, x_forwarded_for=f"203.0.113.{n}, 198.51.100.7"
        )
    response, _client = sign_in(
        "isu-staff", "right-pw-1", remote_addr=proxy, x_forwarded_for="192.0.2.1, 198.51.100.7"
    )
    assert response.status_code == 429
    # Another delegate's address, behind the same proxy, is not locked out.
    response, _client = sign_in(
        "isu-staff", "right-pw-1", remote_addr=proxy, x_forwarded_for="198.51.100.8"
    )
    assert response.status_code == 302
