"""The rule book's one write door (documents, clauses, versions, links) and `cite`, which any app's
refusal may use to name the clause that sets the rule it enforces: "依据《…》第四条".

A published version is frozen: its text and clauses never change; `new_version` drafts the next version
from it, `publish` makes a draft current from its effective date, and the older versions stay readable.
"""

import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xinye.accounts import writes
from xinye.accounts.permissions import require
from xinye.core.errors import Refused
from xinye.rulebook.choices import DocumentStatus
from xinye.rulebook.keys import RULE_KEYS
from xinye.rulebook.models import Clause, RuleDocument, RuleLink, cn_number

READS = ("cite", "with_citation", "current", "current_documents", "clause_for", "clean_link", "linked_rules")


# --- reads ---


def current(code: str, on: datetime.date | None = None) -> RuleDocument | None:
    """The version of document `code` in force on `on` (today): published, effective, highest version."""
    on = on or timezone.localdate()
    return (
        RuleDocument.objects.filter(code=code, status=DocumentStatus.PUBLISHED, effective_from__lte=on)
        .order_by("-version")
        .first()
    )


def current_documents(on: datetime.date | None = None) -> list[RuleDocument]:
    """Every document's version in force, in the order of their codes."""
    codes = RuleDocument.objects.order_by("code").values_list("code", flat=True).distinct()
    return [doc for doc in (current(c, on) for c in codes) if doc is not None]


def clause_for(rule_key: str, on: datetime.date | None = None) -> Clause | None:
    """The clause of the version in force that sets `rule_key`, or None when none is linked."""
    link = RuleLink.objects.filter(rule_key=rule_key).first()
    if link is None:
        return None
    doc = current(link.document_code, on)
    if doc is None:
        return None
    return doc.clauses.filter(number=link.clause_number).select_related("document").first()


def cite(rule_key: str, on: datetime.date | None = None) -> str:
    """ "依据《title》第N条" for the clause that sets `rule_key`; "" when no clause is linked (so a refusal
    reads as before). One indexed query each; refusals only, never a loop."""
    clause = clause_for(rule_key, on)
    if clause is None:
        return ""
    return f"依据《{clause.document.title}》{clause.label}"


def with_citation(message: str, rule_key: str) -> str:
    """`message` followed by its citation in brackets, or unchanged when the rule has no clause linked."""
    citation = cite(rule_key)
    return f"{message}（{citation}）" if citation else message


def linked_rules(document: RuleDocument) -> dict[int, list[str]]:
    """Clause number → the rule keys linked to it, for one document (any version)."""
    out: dict[int, list[str]] = {}
    for key, number in RuleLink.objects.filter(document_code=document.code).values_list(
        "rule_key", "clause_number"
    ):
        out.setdefault(number, []).append(key)
    return out


# --- rules ---


def _frozen(document: RuleDocument | None) -> None:
    if document is not None and document.pk is not None:
        stored = RuleDocument.objects.filter(pk=document.pk).values_list("status", flat=True).first()
        if stored == DocumentStatus.PUBLISHED:
            raise Refused("已发布的版本不能修改，请起草新版本（旧版本保留可查）")


def clean_link(*, rule_key: str, document_code: str, clause_number: int) -> None:
    """A link names a known rule and a clause that exists in some version of the document."""
    if rule_key not in RULE_KEYS:
        raise Refused({"rule_key": f"未知的规则：{rule_key}"})
    if not RuleDocument.objects.filter(code=document_code).exists():
        raise Refused({"document_code": f"没有代码为“{document_code}”的制度文件"})
    if not Clause.objects.filter(document__code=document_code, number=clause_number).exists():
        raise Refused({"clause_number": f"该文件没有第{cn_number(clause_number)}条"})


# --- writes ---


@transaction.atomic
def save_document(document: RuleDocument, *, actor) -> RuleDocument:
    """Create or change a draft document. New documents start as drafts; a published version is frozen."""
    _frozen(document)
    if document.pk is None:
        document.status = DocumentStatus.DRAFT
        document.published_at = None
        if RuleDocument.objects.filter(code=document.code, version=document.version).exists():
            raise Refused({"version": f"该文件已有第 {document.version} 版"})
    return writes.save(document, actor=actor)


@transaction.atomic
def delete_document(document: RuleDocument, *, actor) -> None:
    """Delete a draft; a published version is kept (it may have been cited)."""
    require(actor, "delete", document)
    _frozen(document)
    writes.delete(document, actor=actor)


@transaction.atomic
def save_clause(clause: Clause, *, actor) -> Clause:
    """Create or change a clause of a draft document."""
    _frozen(clause.document)
    if not (clause.text or "").strip():
        raise Refused({"text": "请填写条文"})
    if clause.number < 1:
        raise Refused({"number": "条号从 1 开始"})
    return writes.save(clause, actor=actor)


@transaction.atomic
def delete_clause(clause: Clause, *, actor) -> None:
    require(actor, "delete", clause)
    _frozen(clause.document)
    writes.delete(clause, actor=actor)


@transaction.atomic
def new_version(
    document: RuleDocument, *, actor, effective_from: datetime.date | None = None
) -> RuleDocument:
    """Draft the next version of `document` with a copy of its clauses; the versions before it stay."""
    require(actor, "view", document)  # the draft itself is written through save_document (add)
    latest = RuleDocument.objects.filter(code=document.code).aggregate(v=Max("version"))["v"] or 0
    if RuleDocument.objects.filter(code=document.code, status=DocumentStatus.DRAFT).exists():
        raise Refused("该文件已有未发布的草稿版本，请先发布或删除")
    draft = RuleDocument(
        code=document.code,
        version=latest + 1,
        title=document.title,
        doc_no=document.doc_no,
        issuer=document.issuer,
        summary=document.summary,
        effective_from=effective_from or timezone.localdate(),
    )
    save_document(draft, actor=actor)
    for clause in document.clauses.all():
        save_clause(
            Clause(document=draft, number=clause.number, heading=clause.heading, text=clause.text),
            actor=actor,
        )
    return draft


@transaction.atomic
def publish(document: RuleDocument, *, actor) -> RuleDocument:
    """Publish a draft: from its effective date it is the version in force. Refused: no clauses, or a clause
    that an enforced rule cites is missing from it (the refusals would lose their ground)."""
    require(actor, "change", document)
    if document.is_published:
        raise Refused("该版本已发布")
    numbers = set(document.clauses.values_list("number", flat=True))
    if not numbers:
        raise Refused("没有条款的文件不能发布")
    missing = [
        f"{RULE_KEYS.get(key, key)}（第{cn_number(n)}条）"
        for key, n in RuleLink.objects.filter(document_code=document.code).values_list(
            "rule_key", "clause_number"
        )
        if n not in numbers
    ]
    if missing:
        raise Refused("以下规则引用的条款在新版本中不存在，请先调整规则依据：" + "；".join(missing))
    document.status = DocumentStatus.PUBLISHED
    document.published_at = timezone.now()
    document.save()
    require(actor, "change", document)
    return document


@transaction.atomic
def save_link(link: RuleLink, *, actor) -> RuleLink:
    """Link an enforced rule to the clause that sets it (one clause per rule)."""
    clean_link(rule_key=link.rule_key, document_code=link.document_code, clause_number=link.clause_number)
    return writes.save(link, actor=actor)


@transaction.atomic
def delete_link(link: RuleLink, *, actor) -> None:
    writes.delete(link, actor=actor)
