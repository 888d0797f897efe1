"""Issue 18 item 8: personal data never in logs or error reports. A view raises with an ID number and a phone
in the request (form fields, the query string, the exception's own message); the captured log output and
the error report show neither."""

import io
import logging
import sys

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import path

from xinye.core.logs import PersonalDataReporter, RedactPersonalData, redact

ID_NUMBER = "150502199001011234"
PHONE = "13904751234"


def boom(request):
    id_number = request.POST.get("id_number")  # a local variable, shown in error reports' frames
    raise ValueError(f"无法处理 {id_number}，联系电话 {request.POST.get('phone')}")


def fine(request):
    logging.getLogger("xinye.test").warning("查询 %s 的记录，电话 %s", ID_NUMBER, PHONE)
    return HttpResponse("ok")


urlpatterns = [path("boom/", boom), path("fine/", fine)]


@pytest.fixture
def captured():
    """The real handler's output (the one settings.LOGGING installs on the root logger)."""
    handlers = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactPersonalData) for f in h.filters)
    ]
    assert handlers, "the console handler carries the personal-data filter"
    stream = io.StringIO()
    # Swap the stream without setStream(): that flushes the old one, which pytest's
    # capture may already have closed when another test on this worker ran first.
    previous = [h.stream for h in handlers]
    for h in handlers:
        h.stream = stream
    yield stream
    for handler, old in zip(handlers, previous, strict=True):
        handler.stream = old


@override_settings(ROOT_URLCONF=__name__)
def test_a_server_error_logs_no_id_number_or_phone(captured):
    response = Client(raise_request_exception=False).post(
        f"/boom/?phone={PHONE}", {"id_number": ID_NUMBER, "phone": PHONE, "note": f"身份证 {ID_NUMBER}"}
    )
    assert response.status_code == 500
    output = captured.getvalue()
    assert "ValueError" in output and "Internal Server Error" in output  # the error itself is logged
    assert ID_NUMBER not in output and PHONE not in output
    assert "150502********1234" in output  # masked as the console shows it


@override_settings(ROOT_URLCONF=__name__)
def test_an_application_log_line_is_masked(captured):
    assert Client().get("/fine/").status_code == 200
    output = captured.getvalue()
    assert ID_NUMBER not in output and PHONE not in output and "139****1234" in output


@override_settings(ROOT_URLCONF=__name__, DEBUG=True)
def test_the_debug_error_page_hides_personal_data():
    response = Client(raise_request_exception=False).post(
        f"/boom/?q={ID_NUMBER}", {"id_number": ID_NUMBER, "phone": PHONE, "note": f"电话 {PHONE}"}
    )
    page = response.content.decode()
    assert response.status_code == 500 and "ValueError" in page
    assert ID_NUMBER not in page and PHONE not in page


def test_the_error_report_text_hides_personal_data():
    request = RequestFactory().post(
        f"/boom/?phone={PHONE}", {"id_number": ID_NUMBER, "remark": f"电话 {PHONE}"}
    )
    try:
        boom(request)
    except ValueError:
        report = PersonalDataReporter(request, *sys.exc_info()).get_traceback_text()
    assert "ValueError" in report
    assert ID_NUMBER not in report and PHONE not in report


def test_redact_leaves_other_numbers_alone():
    assert redact("订单 20261205123456789012 金额 1500") == "订单 20261205123456789012 金额 1500"
