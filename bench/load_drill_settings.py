"""Settings for bench/load_drill.py only: portal_bench_settings (production settings, per-worker submission
limits lifted, quiet logging) plus what the drill needs to count and to inject faults:

- the SMS drill backend (portal/sms.py `DrillBackend`): the console backend, timing out while the file
  var/sms-gateway-down exists (the drill creates and removes it), with a 2-second gateway timeout;
- the SMS code limits lifted: every code request of the drill comes from 127.0.0.1 with a new phone, and
  production's 20 an hour per IP would refuse all but the first 20.
"""

from portal_bench_settings import *  # noqa: F403

XINYE_SMS_BACKEND = "xinye.portal.sms.DrillBackend"
XINYE_SMS_TIMEOUT = 2
XINYE_SMS_RATE_LIMITS = {"phone_per_minute": 10**6, "phone_per_hour": 10**6, "ip_per_hour": 10**9}
