import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Argon2 is right for production and needlessly slow for the hundreds of logins in tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _office_language():
    # A request with the English cookie leaves English active in the thread (Django does not
    # reset it after a response); every test starts in the office language.
    from django.utils import translation

    translation.activate("vi")
    yield
    translation.activate("vi")
