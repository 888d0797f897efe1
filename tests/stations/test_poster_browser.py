"""The A4 poster as a printer sees it (system Chromium): one page, QR code large enough to scan."""

import os
import pathlib
import shutil

import pytest

pytestmark = [pytest.mark.browser]
CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"


def test_poster_prints_on_one_a4_page(client_for, world, tmp_path):
    if not shutil.which(CHROMIUM):
        if os.environ.get("XINYE_REQUIRE_BROWSER") == "1":
            pytest.fail("系统 Chromium 未安装（/usr/bin/chromium）")
        pytest.skip("system Chromium not installed")
    from playwright.sync_api import sync_playwright

    from tests.stations.factories import make_station

    station = make_station(
        world["units"]["street-kerqin-1-c1"],
        name="明仁街道和平社区新业态党建服务站",
        amenities=["rest", "water", "meal", "shelter", "charging", "reading", "microwave", "wifi", "24h"],
        green_channel=True,
    )
    html = client_for("community_admin").get(f"/admin/stations/{station.pk}/poster/").content.decode()
    page_file = tmp_path / "poster.html"
    page_file.write_text(html, encoding="utf-8")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 794, "height": 1123})
        page.goto(page_file.as_uri())
        qr_box = page.locator(".qr svg path").bounding_box()  # the modules themselves, not just the box
        assert qr_box["width"] > 300  # ≈ 95 mm at 96 dpi: scannable from a step away
        page.screenshot(path=str(ARTIFACTS / "station-poster.png"), full_page=True)
        pdf = page.pdf(format="A4", print_background=True)
        browser.close()
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # exactly one A4 page
