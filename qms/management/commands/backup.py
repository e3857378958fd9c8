from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qms.backup import backup


class Command(BaseCommand):
    help = "Write a consistent backup of the database and the uploaded files: backup -o FILE."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="The archive to write (.tar.gz)")

    def handle(self, *args, output: str, **options) -> None:
        target = Path(output)
        if not target.parent.is_dir():
            raise CommandError(f"-o: thư mục '{target.parent}' không tồn tại.")
        manifest = backup(target)
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"{output}: {len(manifest['tables'])} bảng, {rows} dòng, "
            f"{len(manifest['media_files'])} tệp đính kèm ({manifest['engine']})."
        )
