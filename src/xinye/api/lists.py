"""The common endpoint shapes, built from a declaration (issue 12, item 5).

    endpoints = Endpoints(router, __name__)
    endpoints.list("/stations", "list_stations", Station.objects.select_related("unit"), StationOut,
                   filters=STATION_FILTERS, ordering=("code",), summary="服务站列表")
    endpoints.detail("/stations/{int:station_id}", "get_station", Station.objects.select_related("unit"),
                     StationOut, summary="服务站详情")

- list: `restrict`ed to the caller's scope, narrowed by the FilterSet's query parameters (a bad choice is a
  Chinese 422), paginated by limit/offset into {"items", "count"}.
- detail: one row in scope, else 404 (out of scope looks exactly like absent).
- create: the caller needs the model's "add" action; the payload's reference fields named in `refs` are
  looked up in scope (404 otherwise) and the service is called with `actor=request.user` and the rest of
  the payload as keywords — the service stays the write door. Answers 201 with the row.
- update (PATCH): the row in scope for "change" (else 404), the service called with the fields sent, the
  row read back.
- detail and update of a versioned model answer with its `ETag`; update honours `If-Match` (412 when stale,
  `api.conditional`).

`name` is the view's function name, so operation ids stay what they were when the endpoints were written
by hand (`xinye_<app>_api_<name>`). Anything with another shape stays an ordinary `@router` function.
"""

import inspect
import re

from ninja import Path, Query, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import Field, create_model

from xinye.api.common import get_scoped, require, scoped
from xinye.api.conditional import conditional, get_versioned, tag
from xinye.core.filters import FilterSet
from xinye.core.versioning import Versioned

_PATH_PARAM = re.compile(r"\{(?:(\w+):)?(\w+)\}")


class Endpoints:
    """Registers the common shapes on one module's router."""

    def __init__(self, router, module: str):
        self.router = router
        self.module = module
        # schema names are global in the OpenAPI document: "Orgs" + "ListRegions" + "Query"
        self.prefix = module.split(".")[1].title()

    def _schema_name(self, name: str, suffix: str) -> str:
        return self.prefix + name.title().replace("_", "") + suffix

    def _named(self, view, name: str):
        view.__name__ = view.__qualname__ = name
        view.__module__ = self.module
        return view

    def list(
        self,
        path,
        name,
        queryset,
        schema,
        *,
        summary,
        filters: FilterSet | None = None,
        ordering=(),
        description=None,
    ):
        """`queryset` may be a callable (no arguments) for a queryset that must be built per request.
        `description` is the operation's description (what a hand-written view's docstring was)."""
        params = query_schema(filters, self._schema_name(name, "Query"))
        description = inspect.cleandoc(description) if description else None

        def view(request, filters_in: Query[params]):  # type: ignore[valid-type]
            return _listed(request, queryset, filters, filters_in.dict(), ordering)

        view = paginate(LimitOffsetPagination)(self._named(view, name))
        self.router.get(path, response=list[schema], summary=summary, description=description)(view)

    def search(
        self, path, name, queryset, schema, *, summary, filters: FilterSet, ordering=(), description=None
    ):
        """The POST twin of a list whose search takes personal data (a whole ID number or phone): the same
        filters as a JSON body, so the term stays out of the URL and the access logs (issue 18 item 8); the
        same scope, answer and pagination (`limit`, `offset` stay in the query string)."""
        body = query_schema(filters, self._schema_name(name, "In"))
        description = inspect.cleandoc(description) if description else None

        def view(request, filters_in: body):  # type: ignore[valid-type]
            return _listed(request, queryset, filters, filters_in.dict(), ordering)

        view = paginate(LimitOffsetPagination)(self._named(view, name))
        self.router.post(path, response=list[schema], summary=summary, description=description)(view)

    def detail(self, path, name, queryset, schema, *, summary, key_type=int, then=None, description=None):
        """`then(request, row)` (optional) prepares the row found for its answer, e.g. marks it for an
        unmasked, logged view; it returns the row."""
        key = path_schema(path, self._schema_name(name, "Path"), key_type)
        description = inspect.cleandoc(description) if description else None

        def view(request, key_in: Path[key]):  # type: ignore[valid-type]
            (value,) = key_in.dict().values()
            obj = get_scoped(request, queryset() if callable(queryset) else queryset, pk=value)
            tag(request, obj)  # a versioned object answers with its ETag
            return then(request, obj) if then is not None else obj

        self.router.get(path, response=schema, summary=summary, description=description)(
            _documented(queryset, "read", self._named(view, name))
        )

    def create(self, path, name, payload, schema, service, *, summary, model, refs=None, read_back=None):
        """`refs` maps a payload field to (argument name, queryset): `{"unit_id": ("unit", OrgUnit.objects)}`;
        a missing optional reference (None) is passed as None. `read_back` (a queryset) re-reads the saved row
        for the response, e.g. with its select_related."""
        refs = refs or {}

        def view(request, data: payload):  # type: ignore[valid-type]
            require(request, "add", model)
            kwargs = data.dict()
            for field, (arg, qs) in refs.items():
                pk = kwargs.pop(field)
                kwargs[arg] = get_scoped(request, qs.all(), pk=pk) if pk is not None else None
            obj = service(actor=request.user, **kwargs)
            if read_back is not None:
                obj = scoped(request, read_back).get(pk=obj.pk)
            return Status(201, obj)

        self.router.post(path, response={201: schema}, summary=summary)(self._named(view, name))

    def update(self, path, name, queryset, payload, schema, service, *, summary):
        """PATCH: the row in scope for "change" (else 404), `service(row, actor=…, **the fields sent)`, and
        the row read back through `queryset`."""
        key = path_schema(path, self._schema_name(name, "Path"))

        def view(request, key_in: Path[key], data: payload):  # type: ignore[valid-type]
            (value,) = key_in.dict().values()
            obj = get_versioned(request, queryset, "change", pk=value)  # If-Match honoured (412)
            service(obj, actor=request.user, **data.dict(exclude_unset=True))
            return scoped(request, queryset).get(pk=obj.pk)

        self.router.patch(path, response=schema, summary=summary)(
            _documented(queryset, "write", self._named(view, name))
        )


def _listed(request, queryset, filters: FilterSet | None, values: dict, ordering):
    """A list's rows: the caller's scope, narrowed by the filters' values, in order."""
    qs = scoped(request, queryset() if callable(queryset) else queryset)
    if filters is not None:
        qs = filters.apply(qs, values, actor=request.user)
    return qs.order_by(*ordering) if ordering else qs


def _documented(queryset, kind: str, view):
    """Mark `view` for the OpenAPI document's ETag/If-Match when its rows are versioned (a callable
    queryset is built once here: building a queryset reads nothing)."""
    model = (queryset() if callable(queryset) else queryset).model
    return conditional(kind)(view) if issubclass(model, Versioned) else view


def query_schema(filters: FilterSet | None, name: str) -> type[Schema]:
    """The query parameters of a FilterSet as a ninja Schema (all optional), for the OpenAPI document."""
    fields = {}
    if filters is not None:
        for f in filters.filters:
            # choices are listed, not enforced by the schema: Filter.apply refuses a bad one in Chinese
            described = f"可选：{'、'.join(f.choices)}" if f.choices else None
            fields[f.name] = (f.type | None, Field(None, description=described))
        if filters.search is not None:
            fields[filters.search.name] = (
                str | None,
                Field(None, description=filters.search.description),
            )
    return create_model(name, __base__=Schema, **fields)


def path_schema(path: str, name: str, key_type=int) -> type[Schema]:
    """The one path parameter of a detail path (`{pk}`, `{int:station_id}`, `{code}`) as a ninja Schema."""
    ((_converter, param),) = _PATH_PARAM.findall(path)
    return create_model(name, __base__=Schema, **{param: (key_type, ...)})
