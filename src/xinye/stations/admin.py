from django import forms
from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from xinye.accounts import writes
from xinye.console.admin import ScopedAdmin
from xinye.core import geo
from xinye.core.filters import FilteredAdmin
from xinye.ledger.choices import CoordSystem
from xinye.stations import services
from xinye.stations.choices import Amenity
from xinye.stations.filters import STATION_FILTERS
from xinye.stations.models import HOURS_PATTERN, Station, StationCheckIn, StationPhoto


class StationForm(forms.ModelForm):
    """Amenities as checkboxes, hours as one line, and coordinates in any system (converted to WGS-84)."""

    amenities = forms.MultipleChoiceField(
        label=_("服务项目"), choices=Amenity.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    hours_text = forms.CharField(
        label=_("每周开放时间"),
        required=False,
        help_text=_("周一至周日 7 项，用逗号分隔，如 08:00-20:00,…；不开放的一天留空"),
    )
    entered_system = forms.ChoiceField(
        label=_("按其他坐标系录入（可选）"),
        choices=[("", "—")] + [c for c in CoordSystem.choices if c[0] != CoordSystem.WGS84],
        required=False,
        help_text=_("从高德/腾讯（GCJ-02）或百度（BD-09）拾取的坐标，保存时换算为 WGS-84"),
    )
    entered_lat = forms.FloatField(label=_("拾取纬度"), required=False)
    entered_lng = forms.FloatField(label=_("拾取经度"), required=False)

    class Meta:
        model = Station
        fields = [  # `hours` is edited through hours_text
            "code",
            "name",
            "status",
            "green_channel",
            "description",
            "host_kind",
            "unit",
            "region",
            "host_enterprise",
            "host_name",
            "address",
            "latitude",
            "longitude",
            "coord_source",
            "amenities",
            "open_24h",
            "holiday_note",
            "contact_name",
            "contact_phone",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance and self.instance.pk:
            self.fields["hours_text"].initial = ",".join(self.instance.hours or [])
        else:
            self.fields["hours_text"].initial = ",".join(["08:00-20:00"] * 7)
        for name in ("latitude", "longitude"):
            if name in self.fields:
                self.fields[name].required = False

    def clean(self):
        data = super().clean()
        hours = [h.strip() for h in (data.get("hours_text") or "").replace("，", ",").split(",")]
        if len(hours) != 7 or any(h and not HOURS_PATTERN.match(h) for h in hours):
            self.add_error("hours_text", _("开放时间应为 7 项（周一至周日），每项形如 08:00-20:00 或留空"))
        else:
            self.instance.hours = hours
        system = data.get("entered_system")
        if system:
            if data.get("entered_lat") is None or data.get("entered_lng") is None:
                raise forms.ValidationError(_("请同时填写拾取的纬度和经度"))
            lat, lng = geo.to_wgs84(data["entered_lat"], data["entered_lng"], system)
            data["latitude"], data["longitude"] = round(lat, 7), round(lng, 7)
            data["coord_source"] = system
        elif data.get("latitude") is None or data.get("longitude") is None:
            raise forms.ValidationError(_("请填写坐标（WGS-84），或按其他坐标系录入"))
        return data


class StationPhotoInline(admin.TabularInline):
    model = StationPhoto
    extra = 0
    fields = ["image", "caption", "sort"]


@admin.register(Station)
class StationAdmin(FilteredAdmin, ScopedAdmin):
    form = StationForm
    nav_icon = "storefront"
    list_display = ["code", "name", "region", "unit", "host_kind", "status", "green_channel", "poster_links"]
    filters = STATION_FILTERS
    autocomplete_fields = []
    inlines = [StationPhotoInline]
    fieldsets = [
        (None, {"fields": ["code", "name", "status", "green_channel", "description"]}),
        (_("依托与归属"), {"fields": ["host_kind", "unit", "region", "host_enterprise", "host_name"]}),
        (
            _("位置（以 WGS-84 存储）"),
            {
                "fields": [
                    "address",
                    "latitude",
                    "longitude",
                    "coord_source",
                    "entered_system",
                    "entered_lat",
                    "entered_lng",
                ]
            },
        ),
        (_("服务与开放时间"), {"fields": ["amenities", "hours_text", "open_24h", "holiday_note"]}),
        (_("联系方式"), {"fields": ["contact_name", "contact_phone"]}),
    ]

    @admin.display(description=_("海报/二维码"))
    def poster_links(self, obj):
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">PNG</a> · <a href="{}">SVG</a>',
            reverse("stations:poster", args=[obj.pk]),
            _("打印海报"),
            reverse("stations:qr_png", args=[obj.pk]),
            reverse("stations:qr_svg", args=[obj.pk]),
        )

    def save_object(self, actor, obj, form, change):
        return services.save_station(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.delete_station(obj, actor=actor)

    def save_formset(self, request, form, formset, change):
        # The photos, too, through the write door (scope before and after, change log).
        formset.save(commit=False)
        for photo in formset.deleted_objects:
            writes.delete(photo, actor=request.user)
        for photo in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
            writes.save(photo, actor=request.user)

    def get_inlines(self, request, obj):
        # the inline is scoped through its parent; hidden for roles that may not change stations
        return self.inlines if self.has_change_permission(request, obj) else []


@admin.register(StationCheckIn)
class StationCheckInAdmin(ScopedAdmin):
    nav_icon = "how_to_reg"
    list_display = ["station", "day", "created_at"]
    list_filter = ["day"]
    search_fields = ["station__name", "station__code"]
    readonly_fields = ["station", "worker", "day", "created_at"]
    fields = ["station", "worker", "day", "created_at"]
    date_hierarchy = "day"

    def has_add_permission(self, request):
        return False  # check-ins come from workers scanning the QR code

    def has_change_permission(self, request, obj=None):
        return False
