"""The rule book under /api/v1/: `GET /rulebook` — the documents in force (or every version with
`?versions=all`), each with its clauses and, per clause, the enforced rules it sets."""

import datetime

from ninja import Router, Schema

from xinye.api.common import get_scoped, scoped
from xinye.rulebook import services
from xinye.rulebook.keys import RULE_KEYS
from xinye.rulebook.models import RuleDocument

router = Router()
TAG = "规则手册"


class RulebookRuleOut(Schema):
    key: str
    label: str


class ClauseOut(Schema):
    number: int
    label: str
    heading: str
    text: str
    rules: list[RulebookRuleOut]


class DocumentOut(Schema):
    id: int
    code: str
    title: str
    doc_no: str
    issuer: str
    version: int
    status: str
    effective_from: datetime.date
    in_force: bool
    clauses: list[ClauseOut]


class RulebookOut(Schema):
    items: list[DocumentOut]
    count: int


def _out(doc: RuleDocument, in_force: set[int]) -> dict:
    links = services.linked_rules(doc)
    return {
        "id": doc.pk,
        "code": doc.code,
        "title": doc.title,
        "doc_no": doc.doc_no,
        "issuer": doc.issuer,
        "version": doc.version,
        "status": doc.status,
        "effective_from": doc.effective_from,
        "in_force": doc.pk in in_force,
        "clauses": [
            {
                "number": c.number,
                "label": c.label,
                "heading": c.heading,
                "text": c.text,
                "rules": [{"key": k, "label": str(RULE_KEYS.get(k, k))} for k in links.get(c.number, [])],
            }
            for c in doc.clauses.all()
        ],
    }


@router.get("/rulebook", response=RulebookOut, summary="规则手册：实施方案及配套措施办法")
def rulebook(request, versions: str = "current"):
    """versions=current（默认）：各文件现行版本；versions=all：全部版本（含已废止的旧版本和草稿）。"""
    qs = scoped(request, RuleDocument.objects.prefetch_related("clauses"))
    in_force = {d.pk for d in services.current_documents()}
    docs = list(qs) if versions == "all" else [d for d in qs if d.pk in in_force]
    return {"items": [_out(d, in_force) for d in docs], "count": len(docs)}


@router.get("/rulebook/{doc_id}", response=DocumentOut, summary="制度文件（某一版本）")
def rulebook_document(request, doc_id: int):
    doc = get_scoped(request, RuleDocument.objects.prefetch_related("clauses"), pk=doc_id)
    return _out(doc, {d.pk for d in services.current_documents()})
