"""Tap targets on the portal are at least 44×44 CSS px on a 375 px phone (issue 17; WCAG 2.5.5 AAA size).

The rule the audit applies, on every portal page anonymous and a signed-in worker see:
- every visible `a, button, select, input[type=checkbox|radio|submit|button]` is measured by its bounding box;
- a checkbox or radio inside a <label> is measured by the label's box (tapping the label toggles it), so a
  24 px box with its 44 px label row passes;
- a link inside running text (display inline, in a paragraph or list item with other text) is exempt: WCAG
  2.5.8's inline exception — its size is the sentence's, and enlarging it would break the line;
- a control smaller than 44 px in either dimension fails, named with the page, the element and its size.
A screenshot of every page is saved in test-artifacts/ (portal-tap-*.png).
"""

import pathlib

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = pathlib.Path(__file__).resolve().parents[2] / "test-artifacts"
MIN = 44
PHONE = "13904752222"

AUDIT = """(min) => {
  const out = [];
  const sel = 'a[href], button, select, input[type=checkbox], input[type=radio], input[type=submit], input[type=button]';
  for (const el of document.querySelectorAll(sel)) {
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'none') continue;
    let target = el;
    if ((el.type === 'checkbox' || el.type === 'radio') && el.closest('label')) target = el.closest('label');
    const r = target.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (el.tagName === 'A' && style.display === 'inline') {
      const block = el.parentElement.closest('p, li, td, dd, div, span, small, label');
      const own = (el.textContent || '').trim().length;
      if (block && (block.textContent || '').trim().length > own + 1) continue;  // inline in running text
    }
    if (r.width + 0.5 < min || r.height + 0.5 < min) {
      const name = (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.split(' ').join('.') : '');
      out.push(`${el.tagName.toLowerCase()}${name} "${(el.textContent || el.value || el.name || '').trim().slice(0, 20)}" ${Math.round(r.width)}×${Math.round(r.height)}`);
    }
  }
  return out;
}"""


@pytest.fixture
def phone(browser, artifacts):
    context = browser.new_context(
        viewport={"width": 375, "height": 812},
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="zh-CN",
    )
    page = context.new_page()
    yield page
    context.close()


def _audit(page, url, name, failures):
    page.goto(url)
    page.wait_for_load_state("load")
    page.screenshot(path=str(ARTIFACTS / f"portal-tap-{name}.png"), full_page=True)
    for problem in page.evaluate(AUDIT, MIN):
        failures.append(f"{name} ({url}): {problem}")


def _sign_in(page, base):
    from xinye.portal.sms import last_code_for

    page.goto(f"{base}/m/login/?next=/m/my/")
    page.fill("input[name=phone]", PHONE)
    page.click("#send-code")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", last_code_for(PHONE))
    page.click("#verify")
    page.wait_for_url("**/m/consent/**")
    page.check("#agree")
    page.click("#consent-submit")
    page.wait_for_url("**/m/my/")


def test_every_portal_tap_target_is_at_least_44_px(phone, live_server, world, rebuild_world_after):
    from tests.stations.factories import make_station
    from xinye.portal.sms import OUTBOX

    OUTBOX.clear()
    station = make_station(world["units"]["street-kerqin-1-c1"], code="tap001", name="明仁大街骑手驿站")
    base = live_server.url
    anonymous = {
        "home": "/m/",
        "station": station.get_absolute_url(),
        "sos": "/m/sos/",
        "login": "/m/login/",
        "register": "/m/register/",
        "notice": "/m/notice/general/",
        "campaigns": "/m/campaigns/",
        "care": "/m/services/",
    }
    worker = {
        "appeal": "/m/appeal/",
        "report": "/m/report/",
        "my": "/m/my/",
        "my-data": "/m/my/data/",
        "volunteer": "/m/volunteer/",
        "station-signed-in": station.get_absolute_url(),
        "home-signed-in": "/m/",
        "sos-signed-in": "/m/sos/",
        "campaigns-signed-in": "/m/campaigns/",
        "care-signed-in": "/m/services/",
    }
    failures: list[str] = []
    for name, url in anonymous.items():
        _audit(phone, base + url, name, failures)
    _sign_in(phone, base)
    for name, url in worker.items():
        _audit(phone, base + url, name, failures)
    assert not failures, "tap targets under 44×44 px:\n" + "\n".join(failures)
