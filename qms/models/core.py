"""The ground floor: the organisation and its units, users, the working calendar,
signatures and the base classes of what a signature freezes, the one-time tokens of
create forms. Nothing here knows of the apps or of the oversight models."""

import base64
import threading
from datetime import UTC, date, time

from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Max, Q
from django.utils.formats import date_format
from django.utils.functional import cached_property
from django.utils.timezone import localdate, localtime
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from qms.dates import short_date
from qms.roles import Role
from qms.signatures import (
    FrozenQuerySet,
    SignedRecordError,
    canonical_json,
    content_hash,
    file_sha256,
)
from qms.validators import validate_phone
from qms.working_days import DEFAULT_OFFICE_HOURS, OfficeHours, WorkingCalendar


class Organisation(models.Model):
    """The People's Committee that runs the one-stop desk; there is exactly one.

    Its code starts every dossier code (R8). What it prints at the head of a document
    (its name, its superior authority, its desk, its place) changes with
    reorganisations and is kept apart, by date, in `OrganisationIdentity` (R9).
    """

    SINGLETON_PK = 1

    code = models.CharField(
        _("code"),
        max_length=16,
        help_text=_("Short code that starts every dossier code, e.g. ADU."),
    )
    phone = models.CharField(_("phone"), max_length=50, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    morning_start = models.TimeField(_("morning opens"), default=time(7, 30))
    morning_end = models.TimeField(_("morning closes"), default=time(11, 30))
    afternoon_start = models.TimeField(_("afternoon opens"), default=time(13, 30))
    afternoon_end = models.TimeField(_("afternoon closes"), default=time(17, 0))
    communication_unit = models.ForeignKey(
        "Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unit reporting on reform communication"),
        help_text=_(
            "Its officers write the quarterly report on reform communication to the "
            "superior authority (the plan names the culture and society officer)."
        ),
    )
    communication_report_days = models.SmallIntegerField(
        _("communication report due, days after the quarter"),
        default=5,
        validators=[MinValueValidator(-60), MaxValueValidator(60)],
        help_text=_(
            "The plan gives no date: the quarterly communication report is due this many "
            "days after the quarter's last day (a negative number: before it)."
        ),
    )
    legal_update_months = models.PositiveSmallIntegerField(
        _("legal updates due within (months)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_(
            "A procedure whose cited legal document is amended or replaced is brought in "
            "line within this many months of the new document's effective date "
            "(Decision 19/2014: 3 months)."
        ),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisation")
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="qms_organisation_singleton"),
            models.CheckConstraint(
                condition=Q(morning_start__lt=models.F("morning_end"))
                & Q(morning_end__lte=models.F("afternoon_start"))
                & Q(afternoon_start__lt=models.F("afternoon_end")),
                name="qms_organisation_office_hours_ordered",
                violation_error_message=_(
                    "Office hours must run in order: morning opens, morning closes, "
                    "afternoon opens, afternoon closes."
                ),
            ),
        ]

    def __str__(self) -> str:
        try:
            return self.identity_on(localdate()).name
        except ValidationError:  # no identity entered yet
            return self.code

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "Organisation":
        organisation = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        if organisation is None:
            raise ValidationError(
                _("The organisation is not set up yet: enter it in the administration first.")
            )
        return organisation

    @classmethod
    def settings(cls) -> "Organisation":
        """The organisation, or one with the default settings while none is entered:
        a page that only reads a setting works on a fresh installation too."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls()

    def identity_on(self, day: date) -> "OrganisationIdentity":
        """The identity in force on `day`: the latest one valid from that day or before.

        A day before the first record gets the first record: every document must
        print (a reprint of a dossier imported from before the system was set up,
        say), and the first identity entered is the one the organisation had when
        its records began. The ISO secretary who knows an earlier identity enters it
        with its own date.
        """
        identities = self.identities.order_by("valid_from")
        identity = identities.filter(valid_from__lte=day).last() or identities.first()
        if identity is None:
            raise ValidationError(
                _(
                    "The organisation has no identity to print yet: the ISO secretary "
                    "enters it under Issuing body."
                )
            )
        return identity

    @property
    def office_hours(self) -> OfficeHours:
        return OfficeHours(
            ((self.morning_start, self.morning_end), (self.afternoon_start, self.afternoon_end))
        )

    @classmethod
    def current_office_hours(cls) -> OfficeHours:
        organisation = cls.objects.filter(pk=cls.SINGLETON_PK).first()
        return organisation.office_hours if organisation else DEFAULT_OFFICE_HOURS


ONE_IDENTITY_PER_DAY = _("The organisation already has an identity valid from this day: edit it.")


class OrganisationIdentity(models.Model):
    """What the organisation prints on a document from `valid_from` on (rule R9):
    its superior authority, its own name, its one-stop desk's name, the place name of
    the date line, its address. A reorganisation (the end of the districts on
    1/7/2025, the desk becoming the public administration service centre) adds a
    record and changes none: a document prints the identity of its own date, so a
    2023 receipt reprinted today keeps its 2023 heading."""

    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="identities",
    )
    valid_from = models.DateField(_("valid from"))
    superior = models.CharField(
        _("superior authority"),
        max_length=200,
        help_text=_("Printed above the organisation's name, e.g. Ủy ban nhân dân quận Lê Chân."),
    )
    name = models.CharField(
        _("name"), max_length=200, help_text=_("e.g. Ủy ban nhân dân phường An Dương.")
    )
    desk_name = models.CharField(
        _("one-stop desk's name"),
        max_length=200,
        help_text=_(
            "Printed at the head of the desk's forms, below the organisation's name, e.g. "
            "Bộ phận Một cửa, or Trung tâm Phục vụ hành chính công."
        ),
    )
    place_name = models.CharField(
        _("place name"),
        max_length=100,
        help_text=_('Written before the date on documents: "An Dương, ngày … tháng … năm …".'),
    )
    address = models.CharField(_("address"), max_length=300)
    desk_phone = models.CharField(
        _("one-stop desk's phone"),
        max_length=20,
        blank=True,
        validators=[validate_phone],
        help_text=_("Printed on the request to supplement (form 02) as the number to call."),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("identity of the organisation")
        verbose_name_plural = _("identities of the organisation")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "valid_from"],
                name="qms_identity_one_per_day",
                violation_error_message=ONE_IDENTITY_PER_DAY,
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({short_date(self.valid_from)})"

    def clean(self) -> None:
        """One identity per day: two records valid from the same day would leave the
        documents of that day with two headings (the constraint keeps it in the
        database; this tells the form beside its field)."""
        if (
            self.organisation_id
            and self.valid_from
            and OrganisationIdentity.objects.filter(
                organisation_id=self.organisation_id, valid_from=self.valid_from
            )
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"valid_from": ONE_IDENTITY_PER_DAY})

    def heading(self, *, desk: bool = False) -> tuple[str, str]:
        """The two lines at the top left of a document (Decree 30/2020, Annex I): the
        direct superior above the issuing body. The organisation issues under its
        superior authority; the desk's forms are issued by the desk, under the
        organisation (§2.2's common header)."""
        return (self.name, self.desk_name) if desk else (self.superior, self.name)


class UnitDeletionError(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            _("Units are never deleted: deactivate the unit instead."), code="unit_deletion"
        )


class UnitQuerySet(models.QuerySet):
    def offered(self, chosen=None) -> models.QuerySet:
        """The units a form offers: the active ones, and those the record already
        names (`chosen`: a unit, its pk, or a list of them)."""
        chosen = chosen if isinstance(chosen, list | tuple | set) else [chosen]
        named = [getattr(unit, "pk", unit) for unit in chosen if unit is not None]
        return self.filter(Q(is_active=True) | Q(pk__in=named))

    def delete(self):
        raise UnitDeletionError()


class Unit(models.Model):
    """A unit of the organisation (VP-TK, TP-HT, ĐC-XD, VH-XH, TC-KT, the one-stop desk).

    A unit is deactivated, never deleted (as accounts are): records name it, signed
    ones among them (an audit's scope, a revision's steps), and deleting it would
    rewrite them by cascade without any signal the signed records' guards hear.
    """

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_one_stop_desk = models.BooleanField(_("one-stop desk"), default=False)
    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_(
            "A unit that no longer exists is deactivated: it is no longer offered in "
            "forms, and the records that name it keep its name."
        ),
    )
    history = HistoricalRecords()

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_one_stop_desk"],
                condition=Q(is_one_stop_desk=True),
                name="qms_unit_one_one_stop_desk",
                violation_error_message=_("Only one unit can be the one-stop desk."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def delete(self, *args, **kwargs):
        raise UnitDeletionError()


class User(AbstractUser):
    """A member of staff. Roles are Django groups named by `Role` values."""

    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    position = models.CharField(_("position"), max_length=150, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    must_change_password = models.BooleanField(
        _("must change the password"),
        default=False,
        help_text=_(
            "Someone else chose the password (a reset, a new account): the user is "
            "sent to change it at the next sign-in."
        ),
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name()

    def get_full_name(self) -> str:
        return self.full_name or self.username

    def get_short_name(self) -> str:
        return self.get_full_name()

    @property
    def roles(self) -> frozenset[Role]:
        if not hasattr(self, "_roles"):
            names = self.groups.values_list("name", flat=True) if self.pk else []
            self._roles = frozenset(Role(name) for name in names if name in Role.values)
        return self._roles

    def has_role(self, *roles: Role) -> bool:
        return self.is_active and not self.roles.isdisjoint(roles)

    # The roles that deal with the citizen or work the dossier.
    CITIZEN_CONTACT_ROLES = (
        Role.OFFICER,
        Role.SPECIALIST,
        Role.ISO_SECRETARY,
        Role.VICE_CHAIRMAN,
        Role.CHAIRMAN,
    )

    def may_see_citizen_contact(self) -> bool:
        """Whether a citizen's ID number, phone and address are shown to this user in
        full (`qms.privacy`). Personal data goes only where the work needs it (Decree
        13/2023/NĐ-CP): the desk receives and calls the citizen, the specialists
        process the dossier, the ISO secretary corrects dossiers and answers
        complaints, the leadership decides and signs. A viewer reads the records and an
        auditor checks that they were kept, neither needs to reach the citizen."""
        return self.is_superuser or self.has_role(*self.CITIZEN_CONTACT_ROLES)


_calendar_lock = threading.Lock()
_calendar_cache: dict[str, tuple[tuple, WorkingCalendar]] = {}


class CalendarDayManager(models.Manager):
    def calendar(self) -> WorkingCalendar:
        """The working-day engine built from all records, rebuilt only when they change.

        Each call checks a cheap stamp (the row count and the latest history row:
        every save and delete writes one), so an edit made through one app server is
        seen by every process at its next call. What is built inside a transaction
        is kept only once that transaction commits: a rolled-back edit must not
        stay in the cache under a stamp that a later edit could reuse.
        """
        stamp = (
            self.count(),
            self.model.history.aggregate(latest=Max("history_id"))["latest"],
        )
        with _calendar_lock:
            cached = _calendar_cache.get(self.db)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        built = self._build()

        def keep() -> None:
            with _calendar_lock:
                _calendar_cache[self.db] = (stamp, built)

        transaction.on_commit(keep, using=self.db)
        return built

    def _build(self) -> WorkingCalendar:
        rows = list(self.values_list("date", "kind"))
        if not rows:
            raise ValidationError(_("The working-day calendar is empty: add the days off first."))
        years = {day.year for day, _kind in rows}
        return WorkingCalendar(
            first=date(min(years), 1, 1),
            last=date(max(years), 12, 31),
            missing_years=set(range(min(years), max(years) + 1)) - years,
            days_off=[day for day, kind in rows if kind == CalendarDay.Kind.DAY_OFF],
            working_weekend_days=[
                day for day, kind in rows if kind == CalendarDay.Kind.WORKING_DAY
            ],
        )


class CalendarDay(models.Model):
    """An exception to the Monday-Friday week (rule R2).

    A day off on a weekday (holiday, day off in lieu, swapped day), or a make-up
    working Saturday. The calendar covers every year that has at least one record.
    """

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("Day off")
        WORKING_DAY = "working_day", _("Make-up working day")

    class Source(models.TextChoices):
        LIBRARY = "library", _("holidays package")
        OFFICIAL = "official", _("official announcement")

    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    legal_basis = models.CharField(
        _("legal basis"),
        max_length=300,
        help_text=_("The law or announcement that sets this day, e.g. CV 12729/VPCP-KGVX."),
    )
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.OFFICIAL
    )
    to_confirm = models.BooleanField(
        _("to confirm"),
        default=False,
        help_text=_("Not yet confirmed against the official announcement."),
    )
    history = HistoricalRecords()

    objects = CalendarDayManager()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{short_date(self.date)} – {self.name}"

    def clean(self) -> None:
        if self.date and self.kind == self.Kind.WORKING_DAY and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "kind": _(
                        "%(day)s is a weekday and already a working day; only a Saturday "
                        "or Sunday can be a make-up working day."
                    )
                    % {"day": short_date(self.date)}
                }
            )


class SignatureQuerySet(FrozenQuerySet):
    def frozen(self):
        return self  # a signature never changes


class SigningKey(models.Model):
    """A holder's certificate, whose private key is in the PKCS#11 token under
    `key_id` (qms/keys.py): a signer's, or the organisation's seal (`holder` empty).
    Only public material: the certificate and the chain of its issuers. A new
    certificate is a new row; the latest one signs."""

    holder = models.ForeignKey(
        User,
        verbose_name=_("holder"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_keys",
        help_text=_("Empty for the organisation's seal."),
    )
    key_id = models.CharField(_("key id in the token"), max_length=64)
    certificate = models.TextField(_("certificate (PEM)"))
    chain = models.TextField(_("issuers' certificates (PEM)"), blank=True)
    subject = models.CharField(_("subject"), max_length=300)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-added_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @classmethod
    def current(cls, holder: User | None) -> "SigningKey | None":
        return cls.objects.filter(holder=holder).order_by("-added_at", "-pk").first()

    @cached_property
    def cert(self):
        from qms import keys

        return keys.from_pem(self.certificate)[0]

    @property
    def chain_certs(self) -> list:
        from qms import keys

        return keys.from_pem(self.chain)

    @property
    def key_type(self) -> str:
        from qms import keys

        return keys.key_type(self.cert.public_key())


class Signature(models.Model):
    """A signature: who, in what role, when, the SHA-256 of the content, and the
    digital signature of it by the signer's key with the certificate it was made
    with (`qms.signing`). Rows from before digital signatures have the hash only.

    Created only by `qms.signing.signature_sign`, never changed afterwards: database
    triggers refuse UPDATE and DELETE (`qms.history.freeze_history_tables`).
    """

    class Meaning(models.TextChoices):
        APPROVED = "approved", _("Approved")
        SIGNED = "signed", _("Signed")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    signer = models.ForeignKey(
        User, verbose_name=_("signer"), on_delete=models.PROTECT, related_name="signatures"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    meaning = models.CharField(_("meaning"), max_length=16, choices=Meaning.choices)
    signed_at = models.DateTimeField(_("signed at"))
    content_sha256 = models.CharField(_("SHA-256 of the content"), max_length=64)
    signature_value = models.TextField(_("digital signature (base64)"), blank=True)
    certificate = models.TextField(_("signer's certificate (PEM)"), blank=True)
    chain = models.TextField(_("issuers' certificates (PEM)"), blank=True)

    objects = SignatureQuerySet.as_manager()

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self) -> str:
        signed_at = date_format(localtime(self.signed_at), "DATETIME_FORMAT")
        return f"{self.signer} ({self.get_role_display()}) {signed_at}"

    def save(self, *args, **kwargs) -> None:
        if self.pk:
            raise SignedRecordError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise SignedRecordError(self)

    @property
    def is_digital(self) -> bool:
        return bool(self.signature_value)

    def signed_payload(self, content: dict) -> bytes:
        """What the signer's key signs: the record's canonical content with which
        record it is and who signed it how and when, so that a signature cannot be
        moved to another record or role."""
        kind = self.content_type
        return canonical_json(
            {
                "record": f"{kind.app_label}.{kind.model}:{self.object_id}",
                "signer": self.signer.username,
                "role": self.role,
                "meaning": self.meaning,
                "signed_at": self.signed_at.astimezone(UTC).isoformat(),
                "content": content,
            }
        ).encode("utf-8")

    def matches(self) -> bool:
        """Whether the signed record's content still hashes to what was signed."""
        record = self.record
        return record is not None and content_hash(record.signed_content()) == self.content_sha256

    def problems(self, roots: list | None = None) -> list[str]:
        """What no longer agrees with this signature: the record gone, its content
        changed, the digital signature not verifying with its certificate and chain
        (up to one of `roots`, by default `qms.keys.trusted_roots()`), or a signed
        file (`record.signed_files()`) changed or missing."""
        from qms import keys

        record = self.record
        if record is None:
            return [_("the signed record no longer exists")]
        found = [] if self.matches() else [_("the content differs from what was signed")]
        if self.is_digital:
            certificate, *_rest = keys.from_pem(self.certificate)
            payload = self.signed_payload(record.signed_content())
            if not keys.verify_raw(certificate, base64.b64decode(self.signature_value), payload):
                found.append(_("the digital signature does not verify with its certificate"))
            found += keys.chain_problems(certificate, keys.from_pem(self.chain), roots)
        for file, expected in getattr(record, "signed_files", list)():
            try:
                if file_sha256(file.open("rb")) != expected:
                    found.append(_("the file %(name)s has changed") % {"name": file.name})
            except FileNotFoundError:
                found.append(_("the file %(name)s is missing") % {"name": file.name})
            finally:
                file.close()
        return found


class ApprovedRecordQuerySet(FrozenQuerySet):
    def frozen(self):
        return self.filter(signatures__isnull=False)


class ApprovedRecord(models.Model):
    """A record approved by a signature: what `SIGNED_FIELDS` names is what the
    signature covers, and it never changes (nor is the record deleted) once signed —
    by anyone: a review's secretary signs its minutes before the chairman approves.
    `approved_at` says so on the record itself (and in its history), so that a
    signature deleted behind the application's back is found by `verify_signatures`."""

    SIGNED_FIELDS: tuple[str, ...] = ()
    # What signing itself writes into the content (see `qms.signing.shown_sha256`).
    FILLED_AT_SIGNING: tuple[str, ...] = ()
    signatures = GenericRelation(Signature, object_id_field="object_id")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True, editable=False)

    objects = ApprovedRecordQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if self.pk and self.is_signed:
            stored = type(self).objects.get(pk=self.pk)
            if stored.signed_content() != self.signed_content():
                raise SignedRecordError(self)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self.is_signed:
            raise SignedRecordError(self)
        return super().delete(*args, **kwargs)

    @property
    def is_signed(self) -> bool:
        return self.signatures.exists()

    @property
    def approval(self) -> Signature | None:
        return self.signatures.filter(meaning=Signature.Meaning.APPROVED).first()

    @classmethod
    def requiring_signature(cls):
        return cls.objects.filter(approved_at__isnull=False)

    def signed_content(self) -> dict:
        return {field: getattr(self, field) for field in self.SIGNED_FIELDS}


class FormToken(models.Model):
    """The one-time token of a create form that created its record (see
    `qms.idempotency`): the same form sent again — a double click, the browser
    sending it again, a replayed request — finds its token here and is led to what
    the first one created, instead of creating it twice. Written in the transaction
    that creates the record, so the two exist together or not at all."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    token = models.CharField(_("token"), max_length=64)
    location = models.CharField(_("where the answer led"), max_length=500)
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("sent form")
        verbose_name_plural = _("sent forms")
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="qms_form_token_once")
        ]

    def __str__(self) -> str:
        return self.token
