import datetime
import uuid

from tests.matrix import MatrixType, register
from xinye.rulebook.keys import RULE_KEYS
from xinye.rulebook.models import Clause, RuleDocument, RuleLink


def _document(unit, world):
    return RuleDocument.objects.create(
        code=f"doc-{uuid.uuid4().hex[:8]}",
        title="测试制度",
        effective_from=datetime.date(2025, 1, 1),
        status="published",
    )


def _clause(unit, world):
    return Clause.objects.create(document=_document(unit, world), number=1, text="第一条 测试")


def _link(unit, world):
    clause = _clause(unit, world)
    free = next(k for k in RULE_KEYS if not RuleLink.objects.filter(rule_key=k).exists())
    return RuleLink.objects.create(rule_key=free, document_code=clause.document.code, clause_number=1)


register(MatrixType("rulebook.ruledocument", _document, api_detail="/api/v1/rulebook/{pk}"))
register(MatrixType("rulebook.clause", _clause))
register(MatrixType("rulebook.rulelink", _link))
