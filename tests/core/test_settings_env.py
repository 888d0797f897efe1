"""Settings read from the environment: the two every production site sets without a settings module."""

import os
import subprocess
import sys


def _settings(env: dict, *names: str) -> list[str]:
    code = "from django.conf import settings; " + "; ".join(
        f"print(getattr(settings, {name!r}, '<unset>'))" for name in names
    )
    full = {
        k: v for k, v in os.environ.items() if not k.startswith("XINYE_PUBLIC") and k != "XINYE_SMS_BACKEND"
    }
    full |= {"DJANGO_SETTINGS_MODULE": "xinye.settings", **env}
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env=full,
    )
    return result.stdout.splitlines()


def test_public_address_and_sms_gateway_from_the_environment():
    names = ("XINYE_PUBLIC_BASE_URL", "XINYE_SMS_BACKEND")
    assert _settings({}, *names) == ["<unset>", "<unset>"]
    assert _settings(
        {"XINYE_PUBLIC_BASE_URL": "https://xinye.tongliao.gov.cn", "XINYE_SMS_BACKEND": "site_sms.Gateway"},
        *names,
    ) == ["https://xinye.tongliao.gov.cn", "site_sms.Gateway"]
