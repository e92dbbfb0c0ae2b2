import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cookie", "accept", "expected"),
    [
        (None, "en-US,en;q=0.9", "vi"),
        ("en", "vi", "en"),
        ("fr", "en", "vi"),
        (None, None, "vi"),
    ],
)
def test_language_is_vietnamese_unless_chosen(client, cookie, accept, expected):
    if cookie:
        client.cookies["django_language"] = cookie
    headers = {"HTTP_ACCEPT_LANGUAGE": accept} if accept else {}

    response = client.get("/api/v1/health", **headers)

    assert response.status_code == 200
    assert response.headers["Content-Language"] == expected


@pytest.mark.django_db
def test_errors_speak_english_when_the_user_switched(client):
    client.cookies["django_language"] = "en"

    response = client.get("/api/v1/procedures", {"q": "!!!"})

    assert response.status_code == 400
    assert response.json()["code"] == "query_empty"
    assert response.json()["message"].isascii()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/api/v1/lookup/ABC%00DEF", "/thu-tuc/tim-kiem/?q=a%00b", "/tra-cuu/X%00/"],
)
def test_a_nul_character_is_a_bad_request_not_a_server_error(client, url):
    response = client.get(url)

    assert response.status_code == 400
