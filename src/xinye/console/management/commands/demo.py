import importlib
import time
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import transaction

from xinye.accounts.commands import XinyeCommand


def demo_modules():
    """Each xinye app may provide `demo.load(world)`; they run in INSTALLED_APPS order."""
    for config in apps.get_app_configs():
        if not config.name.startswith("xinye."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name == f"{config.name}.demo":
                continue
            raise
        yield config.label, module


def load_demo(stdout=None) -> dict:
    world: dict = {}
    for label, module in demo_modules():
        started = time.monotonic()
        with transaction.atomic():
            module.load(world)
        if stdout is not None:
            stdout.write(f"  · {label}: {time.monotonic() - started:.1f}s")
    return world


class Command(XinyeCommand):
    help = "建库、载入通辽演示数据并启动服务（http://127.0.0.1:8000）。可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="只载入数据，不启动服务")
        parser.add_argument("--addr", default="127.0.0.1:8000", help="服务地址")

    def handle(self, *args, **options):
        self.stdout.write("迁移数据库…")
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("载入通辽演示数据…")
        world = load_demo(self.stdout)
        from xinye.accounts.demo import DEMO_PASSWORD

        self.stdout.write("")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, display, role in world.get("logins", []):
            self.stdout.write(f"  {username:<24} {display}（{role}）")
        self.stdout.write("")
        self.stdout.write(f"工作台：http://{options['addr']}/admin/    从业人员：http://{options['addr']}/m/")
        if not options["no_serve"]:
            # static files come from the apps (WHITENOISE_USE_FINDERS); an existing STATIC_ROOT keeps whitenoise
            # from warning about the collected-files folder a demo never fills
            Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
            call_command("runserver", options["addr"], use_reloader=False, insecure_serving=True)
