"""Console: hazard reports with their nearby duplicates and the reporter-visible timeline; status changes
go through the 处理 page (hazards:work) and its services."""

from django.contrib import admin
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from xinye.console.admin import ReadOnlyInline, ScopedAdmin
from xinye.core.errors import Refused
from xinye.core.filters import FilteredAdmin
from xinye.hazards import services
from xinye.hazards.filters import HAZARD_FILTERS
from xinye.hazards.models import HazardEvent, HazardReport


class EventInline(ReadOnlyInline):
    model = HazardEvent
    fields = ("created_at", "status", "actor_label", "note", "public_text")


@admin.register(HazardReport)
class HazardReportAdmin(FilteredAdmin, ScopedAdmin):
    nav_icon = "report"
    list_display = ("id", "category", "status", "unit", "source", "created_at", "close_reason")
    filters = HAZARD_FILTERS  # status, category: the API's filters
    extra_list_filter = ("source", "close_reason", "region")
    extra_search_fields = ("description", "address")
    date_hierarchy = "created_at"
    list_select_related = ("unit",)
    inlines = [EventInline]
    exclude = ("idempotency_key", "worker")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False  # status, notes and closing go through the 处理 page (hazards:work) and its services

    def has_delete_permission(self, request, obj=None):
        return False

    def save_object(self, actor, obj, form, change):
        raise Refused("随手拍请在处理页面处理")

    def delete_object(self, actor, obj) -> None:
        raise Refused("随手拍记录不能删除")

    def get_readonly_fields(self, request, obj=None):
        names = [
            f.name for f in self.model._meta.concrete_fields if f.name not in ("idempotency_key", "worker")
        ]
        return ["work_link", "place_map", "nearby", *names]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if self.get_object(request, object_id) is None:
            raise Http404(_("对象不存在或不在您的管辖范围内"))
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.display(description=_("处理"))
    def work_link(self, obj):
        return format_html(
            '<a class="underline" href="{}">{}</a>',
            reverse("hazards:work", args=[obj.pk]),
            _("进入处理页面 →"),
        )

    @admin.display(description=_("位置示意"))
    def place_map(self, obj):
        """The reported point and the nearest station on a small map; the figures stay as its caption."""
        return render_to_string("console/map.html", services.place(obj))

    @admin.display(description=_("附近疑似重复（50 米内、同类、未关闭）"))
    def nearby(self, obj):
        rows = services.duplicates_of(obj)
        if not rows:
            return _("无")
        return format_html_join(
            _("、"),
            '<a class="underline" href="{}">#{}</a>{}',
            (
                (
                    reverse("admin:hazards_hazardreport_change", args=[r.pk]),
                    r.pk,
                    _("（%(metres)s 米）") % {"metres": round(d)},
                )
                for r, d in rows
            ),
        )
