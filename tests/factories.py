import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model

from applications.enums import MemberRole
from applications.models import Company, CompanyMember
from programs.enums import StaffRole
from programs.models import ForeignMarket, HostIncubator, Program, ProgramStaff
from tests.passwords import strong_password


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name")
    password = factory.django.Password(strong_password())

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class ForeignMarketFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ForeignMarket
        django_get_or_create = ["country"]

    country = factory.Iterator(["BR", "DE", "IN", "SA", "AE"])


class HostIncubatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HostIncubator

    name = factory.Sequence(lambda n: f"Host Incubator {n}")
    market = factory.SubFactory(ForeignMarketFactory)
    city = "Berlin"


class ProgramFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Soft Landing Program {n}")
    slug = factory.Sequence(lambda n: f"soft-landing-{n}")


class ProgramStaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgramStaff

    program = factory.SubFactory(ProgramFactory)
    user = factory.SubFactory(UserFactory)
    role = StaffRole.MANAGER


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n} Inc.")
    country = "CA"


class CompanyMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompanyMember

    company = factory.SubFactory(CompanyFactory)
    user = factory.SubFactory(UserFactory)
    role = MemberRole.OWNER
