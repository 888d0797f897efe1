import os
import signal
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from xinye.accounts.commands import XinyeCommand
from xinye.demo import load_demo
from xinye.demo.accounts import DEMO_PASSWORD


class Command(XinyeCommand):
    help = "建库、载入通辽演示数据并启动服务（http://127.0.0.1:8000）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只载入数据，不启动服务")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="服务地址")
        parser.add_argument(
            "--no-worker", action="store_true", help="不启动后台任务工作进程（报表、大文件导入将一直排队）"
        )

    def handle(self, *args, **options):
        self.stdout.write("迁移数据库…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("载入通辽演示数据…")
        world = load_demo(self.stdout)

        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, display, role in world.get("logins", []):
            self.stdout.write(f"  {username:<24} {display}（{role}）")
        otp_users = world.get("otp_users", [])
        if otp_users:
            self.stdout.write("")
            self.stdout.write(
                f"{'、'.join(otp_users)} 须使用双因素认证：输入密码后，在另一个终端运行 `.venv/bin/xinye otp code 用户名`，输入它打印的 6 位动态验证码"
                "（每 30 秒更换，每个只能用一次）。"
            )
        self.stdout.write("")
        self.stdout.write(f"工作台：http://{options['addr']}/admin/    从业人员：http://{options['addr']}/m/")
        if not options["no_serve"]:
            # static files come from the apps (WHITENOISE_USE_FINDERS); an existing STATIC_ROOT keeps whitenoise
            # from warning about the collected-files folder a demo never fills
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
            worker = None if options["no_worker"] else self._start_worker()
            # a SIGTERM (systemd, `timeout`, kill) unwinds like Ctrl-C, so the worker is stopped with the server
            signal.signal(signal.SIGTERM, lambda *_args: sys.exit(0))
            try:
                call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
            finally:
                if worker is not None:
                    self._stop_worker(worker)

    def _start_worker(self) -> subprocess.Popen:
        """`xinye worker --sole` beside the server (a child process, stopped with it): the background jobs —
        the reports, large imports — run as they would in production. `--sole`: this demo's only worker, so a
        job a previous run left running is marked failed at once."""
        self.stdout.write("启动后台任务工作进程（xinye worker）…")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "xinye.settings"),
        }
        command = [sys.executable, "-m", "django", "worker", "--sole", "--no-reload", "--interval", "1"]
        return subprocess.Popen(command, env=env)  # noqa: S603 — our own interpreter and command

    def _stop_worker(self, worker: subprocess.Popen) -> None:
        worker.terminate()  # SIGTERM: the worker finishes or drops its current task and exits
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
