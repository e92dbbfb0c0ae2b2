"""Under /api/ an unknown address answers the API's JSON error body; elsewhere the page."""

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_an_address_no_api_route_matches_is_json():
    # A newline in the code matches no route at all (not even the lookup's path converter).
    response = Client().get("/api/v1/lookup/000.01.51.H62%0A-260302-0001")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"code": "not_found", "message": "Không tìm thấy địa chỉ yêu cầu."}


def test_an_unknown_page_is_the_html_page():
    response = Client().get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "Không tìm thấy trang" in response.content.decode()


def test_a_server_error_under_the_api_is_json(client, settings):
    from motcua.common.views import server_error

    request = client.get("/api/v1/health").wsgi_request
    response = server_error(request)
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
