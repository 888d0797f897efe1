"""List filters, declared once per object type and read by both faces (issue 12, item 5).

    MEETING_FILTERS = FilterSet(
        Meeting,
        "kind", "is_online", "region",                          # exact match on a model field
        Filter("unit", console=False),                          # API only: too many values for a sidebar
        Filter("date_from", field="date", lookup="gte"),        # a range, or…
        Filter("quorum_failed", type=bool, method=_failed),     # …anything a lookup cannot say
        search=Search(("topic", "unit__name")),                 # ?q=, and the console's search box
    )

Encrypted ID numbers and phones are not searched here: a search by a full number goes through the one
guarded lookup, `xinye.ledger.search.by_number` (keyed hash, in scope only, logged, rate-limited per user),
which the ledger's API and console call before a plain search.

- The API (`xinye.api.lists`) turns each filter into a query parameter (`?status=open`) and calls
  `apply(queryset, params)`; a value outside the field's choices is refused with a Chinese 422.
- The console (`FilteredAdmin` below) shows the exact-match filters as its list filters and searches the
  same fields.

The filter's type (str, int, bool, date) and choices come from the model field, so a plain field name is
usually the whole declaration.
"""

import datetime
from collections.abc import Callable, Mapping

from django.db import models
from django.db.models import Q

from xinye.core.errors import Refused

_TYPES = (
    (models.BooleanField, bool),
    (models.DateTimeField, datetime.datetime),
    (models.DateField, datetime.date),
    (models.IntegerField, int),  # includes AutoField, BigAutoField, PositiveIntegerField…
)


class Filter:
    """One query parameter that narrows a list.

    `name` is the parameter; `field` the model field path it reads (default: the name); `lookup` an ORM
    lookup appended to it (`gte`, `icontains`…); `method(queryset, value)` replaces the lookup altogether.
    Exact-match filters on a field (no lookup, no method) appear in the console's list filters too, unless
    `console=False` (a key with thousands of values is a query parameter, not a sidebar). With
    `with_actor=True` the method is called as `method(queryset, value, actor=user)`.
    """

    def __init__(
        self,
        name: str,
        *,
        field: str | None = None,
        lookup: str = "",
        type: type | None = None,  # noqa: A002 - reads like the declaration it is
        method: Callable | None = None,
        console: bool = True,
        with_actor: bool = False,
    ):
        self.name = name
        self.with_actor = with_actor  # the method is called with `actor=` (the requesting user)
        self.console = console
        self.field = field or name
        self.lookup = lookup
        self.type = type
        self.method = method
        self.choices: dict[str, str] = {}

    def bind(self, model) -> None:
        """Read the type and the choices from the model field (called once by the FilterSet)."""
        if self.method is not None and self.type is not None:
            return
        field = _model_field(model, self.field)
        if field.is_relation:
            field = field.target_field
        if self.type is None:
            self.type = next((t for cls, t in _TYPES if isinstance(field, cls)), str)
        if field.choices and not self.lookup:
            self.choices = {str(k): str(v) for k, v in field.flatchoices}

    @property
    def on_console(self) -> bool:
        return self.console and not self.lookup and self.method is None

    def apply(self, queryset, value, *, actor=None):
        if value is None or value == "":
            return queryset
        if self.choices and str(value) not in self.choices:
            allowed = "、".join(self.choices)
            raise Refused(f"参数 {self.name} 的值“{value}”无效，可选：{allowed}")
        if self.method is not None:
            if self.with_actor:
                return self.method(queryset, value, actor=actor)
            return self.method(queryset, value)
        path = f"{self.field}__{self.lookup}" if self.lookup else self.field
        return queryset.filter(**{path: value})


class Search:
    """The free-text parameter `q`: any of `fields` contains the term (case-insensitive; `has_text`, see
    core.textsearch)."""

    name = "q"

    def __init__(self, fields: tuple[str, ...], *, description: str | None = None):
        self.fields = tuple(fields)
        self.description = description or "模糊搜索：" + "、".join(self.fields)

    def exact(self, queryset, term: str):
        """A queryset for a term that must match exactly, or None for a plain search (subclasses say when)."""
        return None

    def apply(self, queryset, term: str | None, *, actor=None):
        """`actor` (the requesting user) is for subclasses whose search is guarded per user."""
        if not term:
            return queryset
        found = self.exact(queryset, term)
        if found is not None:
            return found
        match = Q()
        for f in self.fields:
            match |= Q(**{f"{f}__has_text": term})  # icontains, index-served where the column has one
        return queryset.filter(match)


class FilterSet:
    """The filters of one object type. Strings are shorthand for `Filter(name)`."""

    def __init__(self, model, *filters: "Filter | str", search: Search | None = None):
        self.model = model
        self.filters = [Filter(f) if isinstance(f, str) else f for f in filters]
        for f in self.filters:
            f.bind(model)
        self.search = search

    def apply(self, queryset, params: Mapping, *, actor=None):
        """Narrow `queryset` by the parameters given (missing or empty ones are ignored). `actor` is passed
        to filters declared `with_actor` and to the search."""
        for name, value in params.items():  # PostgreSQL text cannot hold NUL: refused, never a 500
            if isinstance(value, str) and "\x00" in value:
                raise Refused({name: f"参数 {name} 含有空字符（\\x00），请删除后重试"})
        for f in self.filters:
            queryset = f.apply(queryset, params.get(f.name), actor=actor)
        if self.search is not None:
            queryset = self.search.apply(queryset, params.get(self.search.name), actor=actor)
        return queryset

    @property
    def list_filter(self) -> tuple[str, ...]:
        """The console's list filters: each exact-match field once."""
        return tuple(dict.fromkeys(f.field for f in self.filters if f.on_console))

    @property
    def search_fields(self) -> tuple[str, ...]:
        return self.search.fields if self.search else ()


class FilteredAdmin:
    """ModelAdmin mixin: `filters = SOME_FILTERS` gives the console the list filters and the search
    that the API uses. Extra console-only filters go in `extra_list_filter`, extra console-only search
    fields (where the API has no `?q=`, or a narrower one) in `extra_search_fields`."""

    filters: FilterSet
    extra_list_filter: tuple = ()
    extra_search_fields: tuple = ()

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Django's own checks read these attributes (an autocomplete target must declare search_fields).
        if getattr(cls, "filters", None) is not None:
            cls.search_fields = tuple(dict.fromkeys((*cls.filters.search_fields, *cls.extra_search_fields)))

    def get_list_filter(self, request):
        return (*self.filters.list_filter, *self.extra_list_filter)

    def get_search_fields(self, request):
        return self.search_fields

    def get_search_results(self, request, queryset, search_term):
        search = self.filters.search
        found = search.exact(queryset, search_term) if search and search_term else None
        if found is not None:
            return found, False
        return super().get_search_results(request, queryset, search_term)


def _model_field(model, path: str):
    field = None
    for part in path.split("__"):
        field = model._meta.get_field(part)
        model = field.related_model
    return field
