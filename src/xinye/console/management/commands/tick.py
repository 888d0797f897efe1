"""`xinye tick`: the periodic duties of every app (`xinye.core.ticks`) — for appeals: 催办 the day after a
deadline, 督办 to the superior unit 5 working days later, return visits due the day after 办结. Idempotent; run
it every few minutes from cron or a systemd timer, e.g. `*/5 * * * * xinye tick --quiet`."""

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.permissions import system_actor
from xinye.core import ticks


class Command(XinyeCommand):
    help = "定时任务：诉求逾期催办、督办上报、回访提醒，以及各业务的到期提醒（可重复执行，不会重复提醒）"

    def add_arguments(self, parser):
        parser.add_argument("--quiet", action="store_true", help="只在有新提醒时输出")

    def handle(self, *args, **options):
        # the system's own duty, whoever started it: the change log and the events name it "tick"
        for _label, result in ticks.run_all(actor=system_actor("tick")):
            for line in result.details:
                self.stdout.write(line)
            if result.total or not options["quiet"]:
                self.stdout.write(self.style.SUCCESS(result.summary))
