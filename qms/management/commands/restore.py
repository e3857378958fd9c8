from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from qms.backup import restore


class Command(BaseCommand):
    help = "Restore a backup written by `backup` into the (empty) database: restore FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The archive written by `backup`")

    def handle(self, *args, archive: str, **options) -> None:
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"Không có tệp sao lưu '{archive}'.")
        connection.close()
        try:
            manifest = restore(path, connection.settings_dict, Path(settings.MEDIA_ROOT))
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"Đã khôi phục {len(manifest['tables'])} bảng, {rows} dòng và "
            f"{len(manifest['media_files'])} tệp từ bản sao lưu lúc {manifest['created_at']}."
        )
