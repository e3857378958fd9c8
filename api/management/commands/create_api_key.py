from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import ValidationError

from api.models import RATE, ApiKey
from qms.models import User


class Command(BaseCommand):
    help = (
        "Create an API key for the province's system, acting as an existing account; "
        "the key is printed once (only its hash is kept)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="User name of the account it acts as")
        parser.add_argument("--name", required=True, help="What the key is for (50 characters)")
        parser.add_argument("--rate", default="600/minute", help="Calls per second/minute/…")

    def handle(self, *args, **options) -> None:
        try:
            user = User.objects.get(username=options["user"], is_active=True)
        except User.DoesNotExist:
            raise CommandError(
                f"--user: không có tài khoản đang hoạt động tên “{options['user']}”."
            ) from None
        try:
            RATE(options["rate"])
        except ValidationError as error:
            raise CommandError(f"--rate: {' '.join(error.messages)}") from None
        if not 0 < len(options["name"]) <= 50:
            raise CommandError("--name: tên khóa có từ 1 đến 50 ký tự.")
        _key, secret = ApiKey.objects.create_key(
            name=options["name"], user=user, rate=options["rate"]
        )
        self.stdout.write(secret)
