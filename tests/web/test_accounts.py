"""Sign up, log in, log out; the upload page needs a logged-in user."""

import pytest
from django.contrib.auth import get_user_model

from tests.web.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_sign_up_creates_the_user_and_logs_them_in(client):
    page = client.get("/accounts/signup/")
    assert page.status_code == 200
    assert b'id="signup-form"' in page.content
    assert b"csrfmiddlewaretoken" in page.content

    response = client.post(
        "/accounts/signup/",
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert get_user_model().objects.filter(username="grace").exists()
    assert b"grace" in client.get("/").content


def test_sign_up_goes_back_to_where_the_user_was_going(client):
    response = client.post(
        "/accounts/signup/?next=/upload/",
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD, "next": "/upload/"},
    )

    assert response["Location"] == "/upload/"


def test_sign_up_never_redirects_off_site(client):
    response = client.post(
        "/accounts/signup/",
        {"username": "grace", "password1": PASSWORD, "password2": PASSWORD,
         "next": "https://evil.example.com/"},
    )  # fmt: skip

    assert response["Location"] == "/"


@pytest.mark.parametrize(
    "form",
    [
        {"username": "grace", "password1": PASSWORD, "password2": "different-password-1"},
        {"username": "grace", "password1": "123", "password2": "123"},
        {"username": "", "password1": PASSWORD, "password2": PASSWORD},
    ],
)
def test_a_bad_sign_up_explains_and_creates_nobody(client, form):
    response = client.post("/accounts/signup/", form)

    assert response.status_code == 400
    assert b'class="field__error"' in response.content
    assert not get_user_model().objects.exists()


def test_a_taken_username_is_refused(client, user):
    response = client.post(
        "/accounts/signup/",
        {"username": user.username, "password1": PASSWORD, "password2": PASSWORD},
    )

    assert response.status_code == 400
    assert get_user_model().objects.count() == 1


def test_log_in_and_log_out(client, user):
    page = client.get("/accounts/login/")
    assert b'id="login-form"' in page.content

    response = client.post("/accounts/login/", {"username": "ada", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert b'id="logout-form"' in client.get("/").content

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert b'id="nav-login"' in client.get("/").content


def test_a_wrong_password_is_refused(client, user):
    response = client.post("/accounts/login/", {"username": "ada", "password": "wrong"})

    assert response.status_code == 200
    assert b"alert" in response.content
    assert "_auth_user_id" not in client.session


def test_log_out_needs_a_post(client, user):
    client.force_login(user)

    assert client.get("/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_upload_page_sends_visitors_to_log_in(client):
    response = client.get("/upload/")

    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/upload/"


def test_forms_need_their_csrf_token(user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post("/accounts/login/", {"username": "ada", "password": PASSWORD})

    assert response.status_code == 403


def test_sign_up_may_leave_an_address_for_password_resets(client):
    client.post(
        "/accounts/signup/",
        {"username": "grace", "email": "grace@example.com", "password1": PASSWORD,
         "password2": PASSWORD},
    )  # fmt: skip

    assert get_user_model().objects.get(username="grace").email == "grace@example.com"


def test_change_the_password(client, user):
    client.force_login(user)
    assert b'id="password-change-form"' in client.get("/accounts/password_change/").content

    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "another-long-phrase-7",
         "new_password2": "another-long-phrase-7"},
    )  # fmt: skip

    assert response["Location"] == "/accounts/password_change/done/"
    user.refresh_from_db()
    assert user.check_password("another-long-phrase-7")
    assert b"Your password is changed." in client.get(response["Location"]).content


def test_reset_a_forgotten_password_by_e_mail(client, user, mailoutbox):
    user.email = "ada@example.com"
    user.save()
    assert b"Forgot your password?" in client.get("/accounts/login/").content

    response = client.post("/accounts/password_reset/", {"email": "ada@example.com"})

    assert response["Location"] == "/accounts/password_reset/done/"
    [mail] = mailoutbox
    assert mail.to == ["ada@example.com"]
    link = next(word for word in mail.body.split() if "/accounts/reset/" in word)
    form_page = client.get(link, follow=True)
    assert b'id="password-reset-confirm"' in form_page.content
    done = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "a-fresh-phrase-for-ada", "new_password2": "a-fresh-phrase-for-ada"},
    )
    assert done["Location"] == "/accounts/reset/done/"
    user.refresh_from_db()
    assert user.check_password("a-fresh-phrase-for-ada")


def test_a_used_reset_link_says_so(client):
    response = client.get("/accounts/reset/MQ/bad-token/")

    assert b'id="invalid-link"' in response.content


def test_mail_goes_to_the_console_unless_smtp_is_configured():
    from django.conf import settings

    assert (
        settings.EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    )
