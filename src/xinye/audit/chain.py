"""The change log's hash chains: what a row's hash covers, how a writer takes the head of a chain, and the
walk that verifies them (`xinye audit verify`).

A chain is one local day (Asia/Shanghai) × one shard. A row's hash is

    SHA-256( "<chain>\\n<seq>\\n<previous hash>\\n<canonical JSON of the row>" )   as lowercase hex

where <chain> is "YYYY-MM-DD/<shard>", <seq> counts the chain's rows from 1, the previous hash of row 1 is
64 zeros, and the canonical JSON is the object of the row's fields (`HASHED_FIELDS`) with keys sorted, no
spaces, non-ASCII characters as they are (json.dumps(…, sort_keys=True, separators=(",", ":"),
ensure_ascii=False)), `time` as UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ", foreign keys as their ids. The row's
`user` link is left out: `username` names who acted, and the link is cleared (SET NULL) if the account is
ever deleted. Each chain's last sequence number and hash are kept in its `ChainHead`, locked while a writer
appends: on PostgreSQL with `FOR UPDATE SKIP LOCKED`, so a writer whose shard is held by another open
transaction takes (or opens) another shard of the day instead of waiting for it.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import random
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from xinye.audit.models import ChainHead, ChangeLog

GENESIS = "0" * 64
# Shards of a day are opened on demand with a random number, so two writers opening one at the same moment
# almost never pick the same (which would make the second wait for the first's transaction).
SHARD_SPACE = 10_000
HASHED_FIELDS = (
    "action",
    "after",
    "before",
    "changed_fields",
    "content_type",
    "ip",
    "note",
    "object_id",
    "object_repr",
    "request_id",
    "source",
    "time",
    "username",
)

_q = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a string
_MEMBERS = ",".join(f"{_q(name)}:{{}}" for name in HASHED_FIELDS)
_TEMPLATE = "{{" + _MEMBERS + "}}"


def canonical_json(value) -> str:
    """The canonical JSON text of a value: sorted keys, no spaces, characters as they are."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def time_text(value: datetime.datetime) -> str:
    return value.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_key(day: datetime.date, shard: int) -> str:
    return f"{day.isoformat()}/{shard}"


def row_text(
    *,
    action: str,
    after: str,
    before: str,
    changed_fields: str,
    content_type: int | None,
    ip: str,
    note: str,
    object_id: str,
    object_repr: str,
    request_id: str,
    source: str,
    time: str,
    username: str,
) -> str:
    """The canonical JSON of a row from its parts: strings as they are stored, JSON fields as canonical
    JSON text ("null" for none), `time` from `time_text`. Equal to canonical_json of the field dict."""
    return _TEMPLATE.format(
        _q(action),
        after,
        before,
        changed_fields,
        "null" if content_type is None else int(content_type),
        _q(ip),
        _q(note),
        _q(object_id),
        _q(object_repr),
        _q(request_id),
        _q(source),
        _q(time),
        _q(username),
    )


def row_template(
    *,
    action: str,
    content_type: int | None,
    ip: str,
    note: str,
    request_id: str,
    source: str,
    time: str,
    username: str,
) -> str:
    """`row_text` with the fields one bulk write shares filled in, leaving a format string of five slots —
    after, before, changed_fields, object_id, object_repr (the last two already quoted with `quote`)."""

    def fixed(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    return (
        "{{"
        + _MEMBERS.format(
            fixed(_q(action)),
            "{}",
            "{}",
            "{}",
            "null" if content_type is None else int(content_type),
            fixed(_q(ip)),
            fixed(_q(note)),
            "{}",
            "{}",
            fixed(_q(request_id)),
            fixed(_q(source)),
            fixed(_q(time)),
            fixed(_q(username)),
        )
        + "}}"
    )


quote = _q


def link(chain: str, seq: int, previous: str, text: str) -> str:
    return hashlib.sha256(f"{chain}\n{seq}\n{previous}\n{text}".encode()).hexdigest()


def text_of(row: ChangeLog) -> str:
    """The canonical JSON of a stored row (as read back: JSON fields re-serialised canonically)."""
    return row_text(
        action=row.action,
        after=canonical_json(row.after),
        before=canonical_json(row.before),
        changed_fields=canonical_json(row.changed_fields),
        content_type=row.content_type_id,
        ip=row.ip,
        note=row.note,
        object_id=row.object_id,
        object_repr=row.object_repr,
        request_id=row.request_id,
        source=row.source,
        time=time_text(row.time),
        username=row.username,
    )


# --- appending ---------------------------------------------------------------------------------------------


@dataclass
class Head:
    day: datetime.date
    shard: int
    seq: int
    hash: str

    @property
    def chain(self) -> str:
        return chain_key(self.day, self.shard)

    def append(self, text: str) -> tuple[int, str]:
        """Advance the head over one row's canonical text: its sequence number and hash."""
        self.seq += 1
        self.hash = link(self.chain, self.seq, self.hash, text)
        return self.seq, self.hash


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def take_head(day: datetime.date) -> Head:
    """Lock the head of a chain of `day` for the current transaction (the caller holds one: `appending`)."""
    table = _table(ChainHead)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            # SQLite: one writer at a time holds the database, so one chain per day is enough.
            cursor.execute(f"SELECT shard, seq, hash FROM {table} WHERE day = %s AND shard = 0", [day])  # noqa: S608
            row = cursor.fetchone()
            if row is None:
                cursor.execute(
                    f"INSERT INTO {table} (day, shard, seq, hash) VALUES (%s, 0, 0, %s)",  # noqa: S608
                    [day, GENESIS],
                )
                row = (0, 0, GENESIS)
            return Head(day, *row)
        # The shard this connection used last comes first: within one transaction it is already ours.
        last = getattr(connection, "_xinye_audit_shard", None)
        preferred = last[1] if last and last[0] == day else -1
        while True:
            cursor.execute(
                f"SELECT shard, seq, hash FROM {table} WHERE day = %s "  # noqa: S608
                "ORDER BY shard = %s DESC, shard LIMIT 1 FOR UPDATE SKIP LOCKED",
                [day, preferred],
            )
            row = cursor.fetchone()
            if row is None:
                # every shard of the day is held by an open transaction (or the day has none yet): open one
                cursor.execute(
                    f"INSERT INTO {table} (day, shard, seq, hash) VALUES (%s, %s, 0, %s) "  # noqa: S608
                    "ON CONFLICT DO NOTHING RETURNING shard, seq, hash",
                    [day, random.randrange(SHARD_SPACE), GENESIS],  # noqa: S311 — spreads, not secret
                )
                row = cursor.fetchone()
            if row is not None:
                connection._xinye_audit_shard = (day, row[0])
                return Head(day, *row)


def save_head(head: Head) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {_table(ChainHead)} SET seq = %s, hash = %s WHERE day = %s AND shard = %s",  # noqa: S608
            [head.seq, head.hash, head.day, head.shard],
        )


def appending():
    """The transaction a chained append runs in: the caller's when there is one (no savepoint: the head's
    lock is held to its end anyway), else a transaction of its own."""
    if connection.in_atomic_block:
        return _Nothing()
    return transaction.atomic()


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def day_of(value: datetime.datetime) -> datetime.date:
    return timezone.localdate(value)


# --- verifying ---------------------------------------------------------------------------------------------


@dataclass
class Break:
    """The first broken link found: which chain, which row, and what differs (Chinese, for people)."""

    chain: str
    row_id: int | None
    time: datetime.datetime | None
    problem: str


@dataclass
class Verification:
    rows: int = 0
    chains: int = 0
    broken: Break | None = None

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(since: datetime.date | None = None, *, batch: int = 2000) -> Verification:
    """Walk every chain (of days from `since` on) in sequence order, recompute each hash, and stop at the
    first break: a row whose content or hash differs (an edit), a missing sequence number (a deletion), a
    row outside any chain or with a duplicate position (an insertion), or a chain that ends before or after
    where its head says (a deletion at the end, or rows without a head)."""
    result = Verification()
    rows = ChangeLog.objects.order_by("chain_day", "chain_shard", "seq", "id")
    heads = ChainHead.objects.order_by("day", "shard")
    if since is not None:
        rows = rows.filter(chain_day__gte=since)
        heads = heads.filter(day__gte=since)
    expected = {(h.day, h.shard): h for h in heads}
    seen: set[tuple] = set()
    current = None  # (day, shard)
    previous, seq = GENESIS, 0

    def close(key) -> Break | None:
        head = expected.get(key)
        chain = chain_key(*key)
        if head is None:
            return Break(
                chain, None, None, f"链 {chain} 没有链头记录（链头被删除，或日志行是绕过应用插入的）"
            )
        if head.seq != seq or head.hash != previous:
            return Break(
                chain,
                None,
                None,
                f"链 {chain} 止于第 {seq} 行，链头记录为第 {head.seq} 行（末尾的日志行被删除或链头被改动）",
            )
        return None

    last_id = None
    position = (datetime.date.min, -1, -1, -1)
    while True:
        page = list(_after(rows, position)[:batch])
        if not page:
            break
        for row in page:
            key = (row.chain_day, row.chain_shard)
            if key != current:
                if current is not None and (broken := close(current)):
                    result.broken = broken
                    return result
                current, previous, seq = key, GENESIS, 0
                seen.add(key)
                result.chains += 1
            chain = chain_key(*key)
            if row.seq != seq + 1:
                if row.seq <= seq:
                    problem = f"第 {row.seq} 行重复出现（日志行是绕过应用插入的）"
                else:
                    problem = f"缺少第 {seq + 1} 至 {row.seq - 1} 行（日志行被删除）"
                result.broken = Break(chain, row.id, row.time, problem)
                return result
            computed = link(chain, row.seq, previous, text_of(row))
            if computed != row.hash:
                result.broken = Break(
                    chain,
                    row.id,
                    row.time,
                    f"第 {row.seq} 行的内容或哈希与记录时不符（存储 {row.hash[:16]}…，按内容计算 {computed[:16]}…）",
                )
                return result
            if day_of(row.time) != row.chain_day:
                result.broken = Break(chain, row.id, row.time, f"第 {row.seq} 行的时间不在链日期内")
                return result
            previous, seq = row.hash, row.seq
            result.rows += 1
            last_id = row.id
        position = (page[-1].chain_day, page[-1].chain_shard, page[-1].seq, page[-1].id)
    if current is not None and (broken := close(current)):
        broken.row_id = last_id
        result.broken = broken
        return result
    for key, head in expected.items():
        if key not in seen and head.seq:
            chain = chain_key(*key)
            result.broken = Break(chain, None, None, f"链 {chain} 的 {head.seq} 行日志全部缺失（被删除）")
            return result
    return result


def _after(rows, position):
    """Keyset pagination over (chain_day, chain_shard, seq, id), so the walk reads each row once."""
    day, shard, seq, pk = position
    return rows.filter(
        Q(chain_day__gt=day)
        | Q(chain_day=day, chain_shard__gt=shard)
        | Q(chain_day=day, chain_shard=shard, seq__gt=seq)
        | Q(chain_day=day, chain_shard=shard, seq=seq, id__gt=pk)
    )
