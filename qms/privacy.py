"""A citizen's ID number, phone and address on pages, lists and exports: in full for
the roles whose work needs them (`User.may_see_citizen_contact`), masked for the
others. Every place that shows them goes through `citizen_contact`."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

MASK = "•••••"


@dataclass(frozen=True)
class CitizenContact:
    id_number: str
    phone: str
    address: str


def citizen_contact(user, *, id_number: str, phone: str, address: str) -> CitizenContact:
    """The contact details as `user` may see them; `user` None is the command line,
    run by those who keep the server and its database. Masked, a number keeps its
    last four digits, enough to check a record against its paper form (what an
    auditor samples), not to call or identify anyone; an address is only said to
    be there."""
    if user is None or user.may_see_citizen_contact():
        return CitizenContact(id_number, phone, address)
    return CitizenContact(
        id_number=_masked(id_number), phone=_masked(phone), address=_("(hidden)") if address else ""
    )


def _masked(number: str) -> str:
    return MASK + "".join(c for c in number if c.isdigit())[-4:] if number else ""


def masked_name(name: str) -> str:
    """A citizen's name as the public pages show it: the family name, then the
    initials of the others ("Nguyễn Văn An" -> "Nguyễn V. A."), enough for them to
    recognise their dossier, not for a stranger to learn whose it is."""
    family, *others = name.split() or [""]
    if not others:
        return f"{family[:1]}." if family else ""
    return " ".join([family, *(f"{word[0]}." for word in others)])
