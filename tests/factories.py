import factory
from django.contrib.auth.models import Group

from qms.models import Organisation, Unit, User

PASSWORD = "test-pass-123"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        django_get_or_create = ("id",)

    id = Organisation.SINGLETON_PK
    code = "PAD"
    name = "Ủy ban nhân dân phường An Dương"
    superior = "Ủy ban nhân dân quận Lê Chân"
    address = "Phường An Dương, quận Lê Chân, thành phố Hải Phòng"


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"U-{n:02d}")
    name = factory.LazyAttribute(lambda unit: f"Bộ phận {unit.code}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"Nguyễn Văn {n}")
    unit = factory.SubFactory(UnitFactory)
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def role(self, create, role, **kwargs):
        if create and role:
            self.groups.add(Group.objects.get(name=role))
