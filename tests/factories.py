import factory
from django.contrib.auth import get_user_model

from communes.models import Commune, District, Province, Region, Role, Village


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ["code"]

    code = "btb"
    name_vi = "Bắc Trung Bộ"
    name_en = "North Central Coast"


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province

    code = factory.Sequence(lambda n: f"P{n:03d}")
    name = factory.Sequence(lambda n: f"Tỉnh {n}")
    region = factory.LazyFunction(
        lambda: Region.objects.get_or_create(
            code="btb", defaults={"name_vi": "Bắc Trung Bộ", "name_en": "North Central Coast"}
        )[0]
    )


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    code = factory.Sequence(lambda n: f"D{n:04d}")
    name = factory.Sequence(lambda n: f"Huyện {n}")
    province = factory.SubFactory(ProvinceFactory)


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"Xã {n}")
    district = factory.SubFactory(DistrictFactory)
    province = factory.LazyAttribute(lambda o: o.district.province if o.district else ProvinceFactory())


class VillageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Village

    code = factory.Sequence(lambda n: f"V{n:06d}")
    name = factory.Sequence(lambda n: f"Thôn {n}")
    commune = factory.SubFactory(CommuneFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-123")

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def user_with_role(username: str, kind: str, **unit) -> object:
    user = UserFactory(username=username)
    Role.objects.create(user=user, kind=kind, **unit)
    return user
