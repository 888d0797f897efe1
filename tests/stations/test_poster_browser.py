"""The A4 poster as a printer sees it (system Chromium): one page, QR code large enough to scan."""

import pytest

pytestmark = [pytest.mark.browser]


def test_poster_prints_on_one_a4_page(browser, artifacts, client_for, world, tmp_path):
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
    page = browser.new_page(viewport={"width": 794, "height": 1123})
    page.goto(page_file.as_uri())
    qr_box = page.locator(".qr svg path").bounding_box()  # the modules themselves, not just the box
    assert qr_box["width"] > 300  # ≈ 95 mm at 96 dpi: scannable from a step away
    page.screenshot(path=str(artifacts / "station-poster.png"), full_page=True)
    pdf = page.pdf(format="A4", print_background=True)
    page.close()
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1  # exactly one A4 page
