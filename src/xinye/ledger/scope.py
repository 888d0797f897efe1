"""The ledger's answers to the scope questions accounts asks (accounts.permissions.ScopeLookups): which
enterprises an instructor or liaison is assigned to, which organisations cover which enterprises.
Provided from LedgerConfig.ready(), so that accounts — a floor below — names no ledger model."""

from functools import reduce
from operator import or_

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from xinye.accounts.permissions import ScopeLookups
from xinye.ledger.models import Enterprise, PartyOrganisation
from xinye.orgs.models import Responsibility


class LedgerScope(ScopeLookups):
    def assigned_enterprises(self, user) -> list[int]:
        return list(
            Responsibility.objects.filter(
                content_type=ContentType.objects.get_for_model(Enterprise),
                agent__user=user,
                agent__is_active=True,
            ).values_list("object_id", flat=True)
        )

    def covering_units(self, enterprise_ids: list[int]) -> list[int]:
        return list(
            PartyOrganisation.objects.filter(enterprises__in=enterprise_ids)
            .values_list("unit_id", flat=True)
            .distinct()
        )

    def covered_enterprises(self, unit_prefixes: tuple[str, ...]) -> list[int]:
        q = reduce(or_, (Q(unit__path__startswith=p) for p in unit_prefixes))
        return list(
            PartyOrganisation.objects.filter(q, enterprises__isnull=False)
            .values_list("enterprises", flat=True)
            .distinct()
        )
