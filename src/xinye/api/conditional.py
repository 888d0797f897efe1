"""Conditional requests on versioned objects (issue 18 item 4: stale edits are refused).

An object whose model is `core.versioning.Versioned` (enterprises, practitioners, party members, appeals,
appeal tasks) answers its detail read and its writes with `ETag: "<version>"` — a strong tag naming the row's
version, the same for every reader (what one reader sees masked another sees in full; the tag identifies the
version of the row, not the bytes). A write (PATCH, or a POST action such as `/appeals/{id}/accept`) may send
`If-Match` with the tag it read:

- it matches → the write is made, checked against that version in the same UPDATE, and the answer carries the
  new tag;
- it does not match (someone saved since) → **412 Precondition Failed**, `{"detail": "此记录已被他人于 HH:MM
  修改（用户名）…"}`, the current tag in `ETag`, nothing written;
- no `If-Match` → the write goes through as it always did, unchecked (existing clients keep working; the last
  write wins, so a client that must not overwrite someone else's change sends `If-Match`).

`If-Match: *` matches any existing row; several tags (`"3", "4"`) match if one does; `W/"3"` is read as `"3"`.
A view opts in with `get_versioned(...)` instead of `get_scoped(...)` and `@conditional()` (the OpenAPI
document then declares the header and the 412); `Endpoints.detail`/`update` do both by themselves.
"""

from xinye.accounts import writes
from xinye.api.common import get_scoped
from xinye.core.errors import Stale
from xinye.core.versioning import Versioned

ETAG_OF = "xinye_etag_of"  # the request attribute naming the object whose version the answer carries

# operationId → "read" (answers with an ETag) or "write" (also honours If-Match): for the OpenAPI document.
CONDITIONAL: dict[str, str] = {}


def operation_id(view) -> str:
    """The operationId django-ninja gives a view (NinjaAPI.get_openapi_operation_id)."""
    return (view.__module__ + "_" + view.__name__).replace(".", "_")


def conditional(kind: str = "write"):
    """Marks a view for the OpenAPI document: "read" declares the ETag of its 200, "write" also the
    If-Match header and the 412 answer. Put it under the `@router.…` decorator."""

    def mark(view):
        CONDITIONAL[operation_id(view)] = kind
        return view

    return mark


def tag(request, obj) -> None:
    """The answer to this request carries `obj`'s version as its ETag (read when the answer is made)."""
    if isinstance(obj, Versioned):
        setattr(request, ETAG_OF, obj)


def _versions(header: str) -> set[int] | None:
    """The versions an If-Match header names; None for `*`. A tag that is not one of ours names none."""
    out = set()
    for raw in header.split(","):
        item = raw.strip()
        if item == "*":
            return None
        if item.startswith("W/"):
            item = item[2:]
        item = item.strip('"')
        if item.isdigit():
            out.add(int(item))
    return out


def check_if_match(request, obj) -> None:
    """Honour the request's If-Match for `obj`, read just now: 412 (`Stale`) when it names another version;
    else the write that follows is checked against that version in its UPDATE."""
    header = request.headers.get("If-Match")
    if header is None or not isinstance(obj, Versioned):
        return
    versions = _versions(header)
    if versions is None:  # "*": any version of an existing row
        return
    if obj.version not in versions:
        raise Stale(obj, writes.stale_message(obj))
    writes.expect_version(obj, obj.version)


def get_versioned(request, queryset, action: str = "change", *, etag: bool = True, **lookup):
    """`get_scoped` for the object a write edits: 404 outside scope, 412 on a stale If-Match, and (with
    `etag`) the answer carries the object's new version."""
    obj = get_scoped(request, queryset, action, **lookup)
    if etag:
        tag(request, obj)  # before the check: a 412 tells the client the version to start again from
    check_if_match(request, obj)
    return obj


def add_etag(request, response) -> None:
    """Set the ETag of the object this request named (its version now, after any write) on a success, a
    412 (or a 409) — so a refused client learns the version to start again from."""
    obj = getattr(request, ETAG_OF, None)
    if obj is None or not (200 <= response.status_code < 300 or response.status_code in (409, 412)):
        return
    version = writes.current_version(obj)
    if version is not None:
        response["ETag"] = f'"{version}"'


ETAG_HEADER = {
    "ETag": {
        "description": '对象当前版本（强校验标签，如 `"3"`）；修改时放入 If-Match',
        "schema": {"type": "string"},
    }
}
_IF_MATCH = {
    "in": "header",
    "name": "If-Match",
    "required": False,
    "schema": {"type": "string"},
    "description": '读取时得到的 ETag（如 `"3"`）。与当前版本不符时返回 412，什么也不修改；不带此头则照常修改。',
}


def is_write(operation: dict) -> bool:
    """Whether the operation is marked `@conditional("write")`: it honours If-Match, so it can answer 412."""
    return CONDITIONAL.get(operation.get("operationId")) == "write"


def document(schema: dict) -> dict:
    """Declare the ETag of the 2xx answers and the If-Match header on the operations marked `@conditional`
    (in place). Their 412 is in the one table of error answers (`api.api.ERROR_RESPONSES`)."""
    for path_item in schema.get("paths", {}).values():
        for op in path_item.values():
            kind = CONDITIONAL.get(op.get("operationId")) if isinstance(op, dict) else None
            if kind is None:
                continue
            for status, response in op.get("responses", {}).items():
                if str(status).startswith("2"):
                    response.setdefault("headers", {}).update(ETAG_HEADER)
            if kind == "write":
                op.setdefault("parameters", []).append(dict(_IF_MATCH))
    return schema
