import pytest

from procedures import dossier_services
from qms.roles import Role

# What the public pages must never show of the applicant and of their authorised person.
PERSONAL = {
    "applicant_name": "Nguyễn Văn Anh",
    "applicant_id_number": "001088012345",
    "applicant_phone": "0912345678",
    "applicant_email": "anh.nguyen@example.vn",
    "applicant_address": "12 Ngõ Trạm, phường Hàng Bông",
    "representative_name": "Trần Thị Bích",
    "representative_id_number": "001190067890",
    "representative_phone": "0987654321",
    "representative_email": "bich.tran@example.vn",
    "representative_address": "45 Phố Huế",
    "representative_authorisation": "Giấy ủy quyền số 12/2026",
}


@pytest.fixture
def citizen_dossier(effective, personas):
    """A dossier received now with every personal detail filled in."""
    return dossier_services.dossier_receive(
        procedure=effective.procedure, user=personas[Role.OFFICER], channel="direct", **PERSONAL
    )


@pytest.fixture
def hand_back(personas):
    """Walk a dossier through its three steps and return it to the citizen, the
    officer entering `rating` if given."""

    def walk(dossier, **returned):
        dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.OFFICER])
        dossier_services.dossier_hand_on(dossier=dossier, user=personas[Role.SPECIALIST])
        dossier_services.dossier_complete(dossier=dossier, user=personas[Role.CHAIRMAN])
        return dossier_services.dossier_return(
            dossier=dossier, user=personas[Role.OFFICER], **returned
        )

    return walk
