"""The system administrator signs in to the admin with the demo login and finds an agency."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_system_admin_signs_in_and_finds_ham_yen(page, seeded_demo):
    page.goto("/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", seeded_demo["admin"])
    page.locator("input[type=submit], button[type=submit]").first.click()

    expect(page.get_by_role("link", name="Cơ quan", exact=True)).to_be_visible()
    page.get_by_role("link", name="Cơ quan", exact=True).click()
    page.fill("#searchbar", "Hàm Yên")
    page.locator("#changelist-search input[type=submit]").click()
    expect(page.locator("#result_list")).to_contain_text("UBND huyện Hàm Yên")
    page.locator("#result_list").get_by_role("link", name="000.00.06.H62", exact=True).click()

    expect(page).to_have_url(re.compile(r"/admin/organizations/agency/\d+/change/"))
    expect(page.locator("input[name=code]")).to_have_value("000.00.06.H62")


def test_a_wrong_password_is_refused(page, seeded_demo):
    page.goto("/admin/")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", "sai-mat-khau")
    page.locator("input[type=submit], button[type=submit]").first.click()

    expect(page.locator(".errornote")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/admin/login/"))
