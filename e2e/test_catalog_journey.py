"""A citizen finds a procedure by typing without diacritics and reads what to bring, what it
costs and how long it takes."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

DETAIL_HREF = re.compile(r"/thu-tuc/\d+/$")


def _first_result_link(page):
    """The first link to a procedure's page, in the order the results are shown."""
    hrefs = page.locator("a[href]").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    index = next(i for i, href in enumerate(hrefs) if DETAIL_HREF.search(href or ""))
    return page.locator("a[href]").nth(index)


def test_search_without_diacritics_then_read_the_procedure(page, seeded_demo):
    page.goto(reverse("portal:home"))
    search_box = page.locator("input[name=q]").first
    expect(search_box).to_be_visible()

    search_box.fill("dang ky khai sinh")
    search_box.press("Enter")

    expect(page).to_have_url(re.compile(r"/thu-tuc/tim-kiem/\?(.*&)?q=dang(\+|%20)ky"))
    first = _first_result_link(page)
    expect(first).to_have_text(re.compile(r"^\s*Thủ tục đăng ký khai sinh\s*$"))
    first.click()

    expect(page).to_have_url(DETAIL_HREF)
    expect(page.locator("h1")).to_contain_text("Thủ tục đăng ký khai sinh")
    # what to bring, what it costs, how long it takes: each in its own titled section
    documents = page.get_by_role("region", name="Thành phần hồ sơ")
    expect(documents).to_contain_text("Tờ khai đăng ký khai sinh")
    expect(documents).to_contain_text("Giấy chứng sinh")
    fees = page.get_by_role("region", name="Phí, lệ phí")
    expect(fees).to_contain_text("Lệ phí đăng ký khai sinh")
    expect(fees).to_contain_text("Miễn phí")
    processing_time = page.get_by_role("region", name="Thời hạn giải quyết")
    expect(processing_time).to_contain_text("Trong ngày")
