"""The migration that makes the organisation's identity effective-dated (R9) moves the
identity the organisation printed until then into a first record, valid from
1/1/2000, and puts it back when migrated back."""

from datetime import date

import pytest

from tests.qms.test_document_numbers_migration import migrate

BEFORE = [("qms", "0012_unit_is_active")]
AFTER = [("qms", "0013_organisation_identity")]


# as the project's other transactional tests: the database's seeded rows come back
# after it, which the tests that follow and restore them too expect
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_organisation_becomes_its_first_identity_and_back():
    old = migrate(BEFORE)
    old.get_model("qms", "Organisation").objects.create(
        id=1,
        code="PAD",
        name="Ủy ban nhân dân phường An Dương",
        superior="Ủy ban nhân dân quận Lê Chân",
        address="Phường An Dương, quận Lê Chân",
        place_name="An Dương",
    )
    try:
        new = migrate(AFTER)
        identity = new.get_model("qms", "OrganisationIdentity").objects.get()
        assert (identity.valid_from, identity.superior, identity.name) == (
            date(2000, 1, 1),
            "Ủy ban nhân dân quận Lê Chân",
            "Ủy ban nhân dân phường An Dương",
        )
        assert (identity.desk_name, identity.place_name) == ("Bộ phận Một cửa", "An Dương")
        created = new.get_model("qms", "HistoricalOrganisationIdentity").objects.get()
        assert created.history_type == "+" and created.id == identity.id

        back = migrate(BEFORE).get_model("qms", "Organisation").objects.get()
        assert (back.superior, back.place_name) == ("Ủy ban nhân dân quận Lê Chân", "An Dương")
    finally:
        migrate()  # every app to its latest migration, as the next tests expect
