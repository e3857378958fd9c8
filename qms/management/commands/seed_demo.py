"""Demo data for a development machine: the organisation of the 2023 reform plan
(07/KH-UBND, UBND phường An Dương), its units, one user per role, and the
controlled procedures of its one-stop desk, a year of dossiers (2023) and a few
dossiers in hand today.

Running it again brings the demo records back to this state without duplicating
them. It refuses to run in production mode, because it sets known passwords.
"""

from datetime import date

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from audits.demo import seed_audits
from governance.demo import seed_retention, seed_risks, seed_steering, seed_training
from isodocs.demo import seed_iso
from nonconformities.demo import seed_nonconformities
from procedures.demo import DEMO_YEAR, seed_dossiers, seed_open_dossiers, seed_procedures
from qms.models import Organisation, OrganisationIdentity, SigningKey, Unit, User
from qms.oversight.demo import seed_objectives, seed_plan, seed_reports, seed_review
from qms.roles import Role
from qms.signing import enrol_demo

DEMO_PASSWORD = "demo1234"

# The ward's printed identity (R9): under the district until the two-level local
# government of 1/7/2025, then under the city, its desk become the public
# administration service centre. The ward keeps its name: which ward took An Dương
# in the 2025 merger is not verified, and a deploying ward enters its own.
IDENTITIES = {
    date(2000, 1, 1): {
        "superior": "Ủy ban nhân dân quận Lê Chân",
        "name": "Ủy ban nhân dân phường An Dương",
        "desk_name": "Bộ phận Một cửa",
        "place_name": "An Dương",
        "address": "Phường An Dương, quận Lê Chân, thành phố Hải Phòng",
        "desk_phone": "0225 3857 210",
    },
    date(2025, 7, 1): {
        "superior": "Ủy ban nhân dân thành phố Hải Phòng",
        "name": "Ủy ban nhân dân phường An Dương",
        "desk_name": "Trung tâm Phục vụ hành chính công",
        "place_name": "An Dương",
        "address": "Phường An Dương, thành phố Hải Phòng",
        "desk_phone": "0225 3857 211",
    },
}

UNITS = [
    ("VP-TK", "Văn phòng - Thống kê", False),
    ("TP-HT", "Tư pháp - Hộ tịch", False),
    ("ĐC-XD", "Địa chính - Xây dựng", False),
    ("VH-XH", "Văn hóa - Xã hội", False),
    ("TC-KT", "Tài chính - Kế toán", False),
    ("BP-MC", "Bộ phận Một cửa", True),
]

# username, full name, position, unit code, role
USERS = [
    ("motcua", "Nguyễn Thị Lan", "Công chức Bộ phận Một cửa", "BP-MC", Role.OFFICER),
    ("chuyenvien", "Trần Văn Hùng", "Công chức Tư pháp - Hộ tịch", "TP-HT", Role.SPECIALIST),
    ("thuky", "Lê Thị Hoa", "Công chức Văn phòng - Thống kê", "VP-TK", Role.ISO_SECRETARY),
    ("danhgia", "Phạm Minh Tuấn", "Công chức Văn hóa - Xã hội", "VH-XH", Role.AUDITOR),
    ("danhgia2", "Bùi Thị Thảo", "Công chức Tài chính - Kế toán", "TC-KT", Role.AUDITOR),
    ("phochutich", "Hoàng Văn Nam", "Phó Chủ tịch UBND phường", None, Role.VICE_CHAIRMAN),
    ("chutich", "Vũ Thị Mai", "Chủ tịch UBND phường", None, Role.CHAIRMAN),
    ("xem", "Đỗ Quang Huy", "Cán bộ theo dõi", None, Role.VIEWER),
]


class Command(BaseCommand):
    help = "Load the demo organisation, units and users (development only)."

    def handle(self, *args, **options) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "seed_demo đặt mật khẩu mẫu nên chỉ chạy ở chế độ phát triển (DJANGO_DEBUG=1)."
            )
        with transaction.atomic():
            self.seed_organisation()
            self.seed_users()
            self.seed_signing_keys()
            created = seed_procedures(
                secretary=User.objects.get(username="thuky"),
                approver=User.objects.get(username="chutich"),
                password=DEMO_PASSWORD,
            )
            officer = User.objects.get(username="motcua")
            year = seed_dossiers(officer=officer, chairman=User.objects.get(username="chutich"))
            today = seed_open_dossiers(officer=officer)
            secretary = User.objects.get(username="thuky")
            steering = seed_steering(
                secretary=secretary,
                chairman=User.objects.get(username="chutich"),
                password=DEMO_PASSWORD,
            )
            trained = seed_training(secretary=secretary)
            risks = seed_risks(secretary=secretary)
            seed_retention(secretary=secretary)
            audits = seed_audits(
                lead=User.objects.get(username="danhgia"),
                colleague=User.objects.get(username="danhgia2"),
                secretary=User.objects.get(username="thuky"),
                chairman=User.objects.get(username="chutich"),
                password=DEMO_PASSWORD,
            )
            objectives = seed_objectives(
                chairman=User.objects.get(username="chutich"), password=DEMO_PASSWORD
            )
            register = seed_nonconformities(
                secretary=User.objects.get(username="thuky"),
                officer=officer,
                auditor=User.objects.get(username="danhgia"),
            )
            tasks = seed_plan()
            submitted = seed_reports(
                secretary=User.objects.get(username="thuky"),
                culture_officer=User.objects.get(username="danhgia"),
            )
            reviews = seed_review(
                secretary=User.objects.get(username="thuky"),
                chairman=User.objects.get(username="chutich"),
                owner=User.objects.get(username="thuky"),
                password=DEMO_PASSWORD,
            )
            iso = seed_iso(
                secretary=User.objects.get(username="thuky"),
                chairman=User.objects.get(username="chutich"),
                password=DEMO_PASSWORD,
            )
        self.stdout.write(
            f"Quy trình mới: {created}; hồ sơ năm {DEMO_YEAR}: {year}; "
            f"hồ sơ đang giải quyết: {today}; cuộc đánh giá: {audits}; "
            f"sự không phù hợp: {register}; mục tiêu chất lượng: {objectives}; "
            f"nhiệm vụ kế hoạch: {tasks}; báo cáo định kỳ: {submitted}; "
            f"xem xét của lãnh đạo: {reviews}; quyết định Ban chỉ đạo ISO: {steering}; "
            f"hồ sơ đào tạo: {trained}; rủi ro và cơ hội: {risks}; "
            f"tài liệu hệ thống ISO: {iso}"
        )
        self.stdout.write(self.style.SUCCESS("Dữ liệu mẫu đã sẵn sàng. Tài khoản đăng nhập:"))
        for username, full_name, _position, _unit, role in USERS:
            self.stdout.write(f"  {username:<12} {DEMO_PASSWORD:<10} {role.label} ({full_name})")

    def seed_organisation(self) -> None:
        organisation, _created = Organisation.objects.update_or_create(
            pk=Organisation.SINGLETON_PK, defaults={"code": "PAD"}
        )
        for valid_from, identity in IDENTITIES.items():
            OrganisationIdentity.objects.update_or_create(
                organisation=organisation, valid_from=valid_from, defaults=identity
            )
        for code, name, is_desk in UNITS:
            Unit.objects.update_or_create(
                code=code, defaults={"name": name, "is_one_stop_desk": is_desk}
            )
        # The plan names the culture and society officer for the communication reports.
        organisation.communication_unit = Unit.objects.get(code="VH-XH")
        organisation.save(update_fields=["communication_unit"])

    def seed_signing_keys(self) -> None:
        """Certificates from the token's demo CA ("DEMO CA – chỉ để thử") for the
        signers and the organisation's seal, each key made in the token once."""
        signers = User.objects.filter(
            groups__name__in=[Role.CHAIRMAN, Role.VICE_CHAIRMAN, Role.AUDITOR, Role.ISO_SECRETARY]
        ).distinct()
        for holder in [None, *signers.order_by("username")]:
            if SigningKey.current(holder) is None:
                enrol_demo(holder)

    def seed_users(self) -> None:
        units = Unit.objects.in_bulk(field_name="code")
        for username, full_name, position, unit_code, role in USERS:
            user, _created = User.objects.update_or_create(
                username=username,
                defaults={
                    "full_name": full_name,
                    "position": position,
                    "unit": units.get(unit_code),
                    "is_staff": role == Role.ISO_SECRETARY,
                    "is_active": True,
                },
            )
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            user.groups.set([Group.objects.get(name=role.value)])
