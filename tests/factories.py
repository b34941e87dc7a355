import datetime

import factory
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.utils import timezone
from djmoney.money import Money

from applications.enums import ApplicationStatus, MemberRole
from applications.models import Application, Company, CompanyMember, HostPreference, Review
from applications.services.counting import (
    recount_filters,
    recount_fit_queue,
    recount_reviewers,
    recount_statuses,
)
from programs.enums import StaffRole
from programs.models import (
    DeskOffer,
    ForeignMarket,
    HostIncubator,
    Intake,
    Program,
    ProgramStaff,
    RubricCriterion,
    Sector,
)
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
    desk_capacity = 4
    desk_cost_per_day = Money(50, "CAD")


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


def sector(code):
    """A sector row; transactional tests empty the table the migration fills."""
    return Sector.objects.get_or_create(code=code)[0]


class IntakeFactory(factory.django.DjangoModelFactory):
    """A published intake, open now: closes in 20 days, stays start 30 days after that."""

    class Meta:
        model = Intake

    program = factory.SubFactory(ProgramFactory)
    title = factory.Sequence(lambda n: f"Intake {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=5))
    closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    placement_starts_on = factory.LazyAttribute(
        lambda o: (o.closes_at + datetime.timedelta(days=30)).date()
    )
    placement_ends_on = factory.LazyAttribute(
        lambda o: o.placement_starts_on + datetime.timedelta(days=180)
    )
    stipend_budget = Money(40000, "CAD")
    published_at = factory.LazyFunction(timezone.now)


class DeskOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeskOffer

    intake = factory.SubFactory(IntakeFactory)
    host = factory.SubFactory(HostIncubatorFactory)
    desks = 2


class RubricCriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RubricCriterion

    intake = factory.SubFactory(IntakeFactory)
    name = factory.Sequence(lambda n: f"Criterion {n}")
    weight = 1


class ApplicationFactory(factory.django.DjangoModelFactory):
    """A draft of a company's application to an open intake."""

    class Meta:
        model = Application

    company = factory.SubFactory(CompanyFactory)
    intake = factory.SubFactory(IntakeFactory)
    created_by = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Made without the services: the intake's kept status counts are counted again.
        application = super()._create(model_class, *args, **kwargs)
        recount_statuses(application.intake_id)
        recount_filters(application.intake_id)
        return application


class HostPreferenceFactory(factory.django.DjangoModelFactory):
    """An applicant's choice of a host incubator (its rank among their choices)."""

    class Meta:
        model = HostPreference

    application = factory.SubFactory(ApplicationFactory)
    host = factory.SubFactory(HostIncubatorFactory)
    rank = 1

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Made without the services: the host-fit queue's kept state is set again.
        preference = super()._create(model_class, *args, **kwargs)
        recount_fit_queue([preference.application_id])
        recount_filters(preference.application.intake_id)
        preference.refresh_from_db()
        return preference


class ReviewFactory(factory.django.DjangoModelFactory):
    """An assignment of a reviewer of the program to an application (not yet scored).

    Access follows the role held now, so the reviewer is made a reviewer of the program;
    ``staff=False`` leaves the roles to the test."""

    class Meta:
        model = Review
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, status=ApplicationStatus.IN_REVIEW)
    intake = factory.SelfAttribute("application.intake")
    reviewer = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Made without the services: the reviewer's kept tally is counted again.
        review = super()._create(model_class, *args, **kwargs)
        recount_reviewers(review.intake_id, [review.reviewer_id], to_do=True)
        return review

    @factory.post_generation
    def staff(review, create, extracted, **kwargs):
        if create and extracted is not False:
            ProgramStaff.objects.get_or_create(
                program=review.intake.program,
                intake=None,
                user=review.reviewer,
                role=StaffRole.REVIEWER,
            )


def set_status(application, status):
    """Give an application a status without the transition function (a test's shortcut to a
    state), and count the kept values again as the services would have kept them."""
    type(application).objects.filter(pk=application.pk).update(status=status)
    application.status = status
    recount_statuses(application.intake_id)
    recount_filters(application.intake_id)
    recount_fit_queue([application.pk])
    recount_reviewers(application.intake_id, to_do=True)
