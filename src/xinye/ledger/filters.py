"""The list filters of the survey ledgers, declared once (xinye.core.filters) for the API.

A search by a whole ID number or phone goes through the one guarded lookup, `ledger.search.by_number`
(keyed hash, in the caller's scope, logged, rate-limited per user): `NumberSearch` calls it with the
requesting user before the plain search, exactly as the hand-written endpoints did.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from xinye.core.errors import Refused
from xinye.core.filters import Filter, FilterSet, Search
from xinye.ledger import search, services
from xinye.ledger.choices import FormationState
from xinye.ledger.models import Enterprise, FormationCase, PartyMember, PartyOrganisation, Practitioner


class NumberSearch(Search):
    """`?q=`: a whole ID number / phone through its keyed hash (ledger.search), else `plain(queryset, term)`."""

    def __init__(self, fields, *, id_field, phone_field, plain, description):
        super().__init__(fields, description=description)
        self.id_field = id_field
        self.phone_field = phone_field
        self.plain = plain

    def apply(self, queryset, term, *, actor=None):
        if not term:
            return queryset
        found = search.by_number(
            queryset, term, actor=actor, id_field=self.id_field, phone_field=self.phone_field
        )
        return found if found is not None else self.plain(queryset, term)


# --- enterprises ---


def _assigned_to(queryset, agent: int):
    """The enterprises an instructor or liaison is assigned to."""
    from xinye.orgs.models import Responsibility

    assigned = Responsibility.objects.filter(
        content_type=ContentType.objects.get_for_model(Enterprise), agent_id=agent
    ).values("object_id")
    return queryset.filter(pk__in=assigned)


ENTERPRISE_FILTERS = FilterSet(
    Enterprise,
    "region",
    "industry",
    Filter("status", type=str, method=services.filter_by_status),
    "enterprise_type",
    Filter("unit", console=False),
    Filter("agent", type=int, method=_assigned_to),
    search=NumberSearch(
        ("name", "uscc"),
        id_field=None,
        phone_field="contact_phone_hash",
        plain=lambda qs, q: qs.filter(Q(name__has_text=q) | Q(uscc=q.strip().upper())),
        description="企业名称、统一社会信用代码，或完整的联系电话（查询留痕、限频）",
    ),
)

# --- practitioners ---

PRACTITIONER_FILTERS = FilterSet(
    Practitioner,
    "region",
    "industry",
    Filter("status", field="political_status"),
    Filter("enterprise", console=False),
    "occupation",
    search=NumberSearch(
        ("name",),
        id_field="id_hash",
        phone_field="phone_hash",
        plain=lambda qs, q: qs.filter(name__has_text=q.strip()),
        description="姓名，或完整的公民身份号码 / 手机号（查询留痕、限频，不支持部分号码）",
    ),
)

# --- party members ---


def _member_status(queryset, status: str):
    if status in ("full", "正式党员"):
        return queryset.filter(is_full=True)
    if status in ("probationary", "预备党员"):
        return queryset.filter(is_full=False)
    raise Refused("党员状态：应为 full（正式党员）或 probationary（预备党员）")


MEMBER_FILTERS = FilterSet(
    PartyMember,
    "region",
    "industry",
    Filter("status", type=str, method=_member_status),
    Filter("enterprise", console=False),
    Filter("unit", console=False),
    "membership_held",
)

# --- party organisations ---


def _election_status(queryset, status: str):
    if status == "due":
        return services.due_for_election(queryset)
    if status == "current":
        return queryset.exclude(
            pk__in=services.due_for_election(PartyOrganisation.objects.all()).values("pk")
        )
    raise Refused("状态：应为 due（90 天内应换届）或 current")


ORGANISATION_FILTERS = FilterSet(
    PartyOrganisation,
    "region",
    "industry",
    Filter("status", type=str, method=_election_status),
    Filter("kind", field="unit__kind"),
    Filter("enterprise", field="enterprises", type=int, console=False),
)

# --- formation workflow ---


def _formation_state(queryset, status: str):
    if status not in FormationState.values:
        raise Refused(f"环节：应为 {'、'.join(FormationState.values)} 之一")
    return queryset.filter(state=status)


FORMATION_FILTERS = FilterSet(
    FormationCase,
    "region",
    "industry",
    Filter("status", type=str, method=_formation_state),
)
