"""Factories for intermediary lists and services, on top of the shared ones."""
import factory

from intermediaries.models import IntermediaryList, IntermediaryService
from permits.models import EditionStatus
from permits.kernel.lifecycle import edition_publish
from tests.factories import DepartmentFactory, PermitCatalogueFactory, PermitItemFactory, RegionFactory


class IntermediaryListFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntermediaryList

    title = "新余市市、县(区)行政审批中介服务事项清单(2024年版)"
    edition = "2024年版"
    region = factory.SubFactory(RegionFactory)


class IntermediaryServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IntermediaryService
        skip_postgeneration_save = True

    edition = factory.SubFactory(IntermediaryListFactory)
    seq = factory.Sequence(lambda n: n + 1)
    name = factory.Sequence(lambda n: f"测试中介服务{n}编制")
    department = factory.SubFactory(DepartmentFactory)
    legal_basis = "《建设项目环境保护管理条例》"
    providers = "具备相应能力的技术服务机构"
    provider_nature = "企业"

    @factory.post_generation
    def permit_items(self, create, extracted, **kwargs):
        if create and extracted:
            self.permit_items.set(extracted)


def published_permit_catalogue(region=None, items=3, department=None):
    """A published permit catalogue with `items` items; returns (catalogue, [items])."""
    region = region or RegionFactory()
    catalogue = PermitCatalogueFactory(region=region)
    department = department or DepartmentFactory(region=region)
    created = [PermitItemFactory(edition=catalogue, department=department) for _ in range(items)]
    edition_publish(catalogue)
    return catalogue, created


def published_list(region=None, services=2, department=None, permit_items=(), **fields):
    """A published intermediary list with `services` services, each linked to `permit_items`."""
    edition = IntermediaryListFactory(region=region or RegionFactory(), **fields)
    department = department or DepartmentFactory(region=edition.region)
    for _ in range(services):
        IntermediaryServiceFactory(edition=edition, department=department, permit_items=list(permit_items))
    edition_publish(edition)
    assert edition.status == EditionStatus.PUBLISHED
    return edition
