from django.core.management.base import CommandError
from django_otp.oath import TOTP

from xinye.accounts.commands import XinyeCommand
from xinye.accounts.models import User
from xinye.accounts.services import DEMO_DEVICE_NAME, otp_device, otp_required, reset_second_factor
from xinye.core.errors import Refused


class Command(XinyeCommand):
    help = "双因素认证：code USERNAME（打印演示账号当前的动态验证码）| status USERNAME | reset USERNAME --actor 安全管理员"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="op", required=True)
        code = sub.add_parser("code", help="打印演示账号当前的 6 位动态验证码（仅限演示数据绑定的验证器）")
        code.add_argument("username")
        status = sub.add_parser("status", help="该账号是否须用、是否已启用双因素认证")
        status.add_argument("username")
        reset = sub.add_parser("reset", help="重置账号的双因素认证（须 --actor 为安全管理员，记入操作日志）")
        reset.add_argument("username")

    def handle(self, *args, **options):
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise CommandError(f"用户 {options['username']} 不存在")
        device = otp_device(user)
        if options["op"] == "code":
            if device is None:
                raise CommandError(f"用户 {user.username} 尚未启用双因素认证")
            if device.name != DEMO_DEVICE_NAME:
                # a person's own authenticator: its codes are theirs alone, never printed by the server
                raise CommandError(f"用户 {user.username} 的验证器不是演示数据绑定的，不能打印其验证码")
            totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
            self.stdout.write(f"{totp.token():0{device.digits}d}")
        elif options["op"] == "status":
            required = "须使用" if otp_required(user) else "不强制"
            enrolled = "已启用" if device is not None else "未启用"
            self.stdout.write(f"{user.username}：双因素认证{required}，{enrolled}")
        else:
            try:
                reset_second_factor(user, actor=options["actor_user"])
            except Refused as exc:
                raise CommandError("；".join(exc.messages)) from None
            self.stdout.write(f"已重置 {user.username} 的双因素认证；其下次登录时须重新绑定验证器。")
