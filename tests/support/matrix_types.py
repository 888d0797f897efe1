"""The enterprise services' types in the permission matrix and the write-door tests: a county sees its
enterprises' needs, policy reach and matches; a handling unit sees its tasks; catalogues belong to the unit
that keeps them."""

from tests.matrix import MatrixType, register
from tests.support import factories as f


def _enterprise_of_need(obj):
    return obj.enterprise


register(
    MatrixType(
        "support.enterpriseneed",
        lambda unit, world: f.make_need(unit),
        api_detail="/api/v1/enterprise-needs/{pk}",
        api_list="/api/v1/enterprise-needs",
        enterprise_of=_enterprise_of_need,
        api_writes=[
            ("post", "/api/v1/enterprise-needs/{pk}/dispatch", {"units": [], "instruction": "请办理"}),
            ("post", "/api/v1/enterprise-needs/{pk}/reject", {"text": "不属于服务范围"}),
            ("post", "/api/v1/enterprise-needs/{pk}/answer", {"text": "已协调银行"}),
            ("post", "/api/v1/enterprise-needs/{pk}/close", {"resolved": True}),
        ],
    )
)
register(
    MatrixType(
        "support.needtask",
        lambda unit, world: f.make_task(unit),
        api_detail="/api/v1/enterprise-need-tasks/{pk}",
        api_list="/api/v1/enterprise-need-tasks",
        enterprise_of=lambda obj: obj.need.enterprise,
        api_writes=[
            ("post", "/api/v1/enterprise-need-tasks/{pk}/sign", {}),
            ("post", "/api/v1/enterprise-need-tasks/{pk}/answer", {"text": "已办理"}),
            ("post", "/api/v1/enterprise-need-tasks/{pk}/return", {"text": "派错单位"}),
        ],
    )
)
register(
    MatrixType(
        "support.needevent",
        lambda unit, world: f.make_need(unit).events.create(kind="submitted", actor_label="测试"),
        console=False,
        enterprise_of=lambda obj: obj.need.enterprise,
    )
)
register(MatrixType("support.needreminder", lambda unit, world: f.make_reminder(unit)))
register(
    MatrixType(
        "support.policy",
        lambda unit, world: f.make_policy(unit),
        api_detail="/api/v1/policies/{pk}",
        api_list="/api/v1/policies",
        change_data=lambda o: {
            "title": "改名",
            "issuer": o.issuer,
            "applies_to": o.applies_to,
            "effective_from": "2026-01-01",
            "unit": o.unit_id,
            "reach-TOTAL_FORMS": 0,
            "reach-INITIAL_FORMS": 0,
        },
        api_writes=[("post", "/api/v1/policies/{pk}/reach", {"enterprise": 1, "kind": "told"})],
    )
)
register(
    MatrixType(
        "support.policyreach",
        lambda unit, world: f.make_reach(unit),
        api_list="/api/v1/policy-reach",
        enterprise_of=lambda obj: obj.enterprise,
    )
)
register(
    MatrixType(
        "support.institution",
        lambda unit, world: f.make_institution(unit),
        api_detail="/api/v1/financial-institutions/{pk}",
        api_list="/api/v1/financial-institutions",
        change_data=lambda o: {
            "name": "改名",
            "kind": o.kind,
            "unit": o.unit_id,
            "is_active": "on",
            "products-TOTAL_FORMS": 0,
            "products-INITIAL_FORMS": 0,
        },
    )
)
register(
    MatrixType(
        "support.product",
        lambda unit, world: f.make_product(unit),
        api_detail="/api/v1/financial-products/{pk}",
        api_list="/api/v1/financial-products",
        change_data=lambda o: {"institution": o.institution_id, "name": "改名", "kind": o.kind},
    )
)
register(
    MatrixType(
        "support.matchevent",
        lambda unit, world: f.make_event(unit),
        api_detail="/api/v1/financing-events/{pk}",
        api_list="/api/v1/financing-events",
        change_data=lambda o: {
            "title": "改名",
            "held_on": "2026-11-20",
            "unit": o.unit_id,
            "matches-TOTAL_FORMS": 0,
            "matches-INITIAL_FORMS": 0,
        },
    )
)
register(
    MatrixType(
        "support.match",
        lambda unit, world: f.make_match(unit),
        api_detail="/api/v1/financing-matches/{pk}",
        api_list="/api/v1/financing-matches",
        enterprise_of=lambda obj: obj.enterprise,
        api_writes=[
            (
                "post",
                "/api/v1/financing-matches/{pk}/outcome",
                {"status": "concluded", "amount": "100000", "workers_covered": 0},
            )
        ],
    )
)
