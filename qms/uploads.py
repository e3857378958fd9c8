"""Uploaded files: stored under generated names, checked by type and size."""

import uuid
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext as _


@deconstructible
class GeneratedName:
    """`upload_to` that keeps only the extension of what the user uploaded."""

    def __init__(self, folder: str) -> None:
        self.folder = folder

    def __call__(self, instance, filename: str) -> str:
        return f"{self.folder}/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"

    def __eq__(self, other) -> bool:
        return isinstance(other, GeneratedName) and other.folder == self.folder


@deconstructible
class MaxSizeValidator:
    def __init__(self, megabytes: int) -> None:
        self.megabytes = megabytes

    def __call__(self, file) -> None:
        if file.size > self.megabytes * 1024 * 1024:
            raise ValidationError(
                _("The file is %(size)s MB; the limit is %(limit)s MB.")
                % {"size": round(file.size / 1024 / 1024, 1), "limit": self.megabytes},
                code="file_too_large",
            )

    def __eq__(self, other) -> bool:
        return isinstance(other, MaxSizeValidator) and other.megabytes == self.megabytes
