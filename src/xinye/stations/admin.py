from django import forms
from django.contrib import admin
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from unfold.widgets import INPUT_CLASSES, UnfoldAdminDecimalFieldWidget, UnfoldAdminSelectWidget

from xinye.accounts import writes
from xinye.console.admin import ScopedAdmin
from xinye.core import geo, maps
from xinye.core.filters import FilteredAdmin
from xinye.ledger.choices import CoordSystem
from xinye.stations import services
from xinye.stations.choices import Amenity
from xinye.stations.filters import STATION_FILTERS
from xinye.stations.models import HOURS_PATTERN, Station, StationCheckIn, StationPhoto

DAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]


class WeekHoursWidget(forms.MultiWidget):
    """The week's hours as a small table: for each day an opening and a closing time (time pickers); both
    empty = closed that day. Replaces one comma-separated box of seven items (issue 17)."""

    template_name = "stations/widgets/week_hours.html"

    def __init__(self, attrs=None):
        time = {"type": "time", "class": " ".join(INPUT_CLASSES).replace("max-w-2xl", "w-32")}
        super().__init__([forms.TimeInput(attrs=time, format="%H:%M") for _ in range(14)], attrs)

    def decompress(self, value):
        # the initial value is the stored week joined by commas (a list would be taken as the 14 parts)
        days = (value or "").split(",") if isinstance(value, str) else list(value or [])
        out = []
        for day in days[:7] + [""] * (7 - len(days[:7])):
            start, _sep, end = (day or "").partition("-")
            out += [start, end]
        return out

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        subs = context["widget"]["subwidgets"]
        context["widget"]["days"] = [
            {"label": DAYS[i], "open": subs[2 * i], "close": subs[2 * i + 1]} for i in range(7)
        ]
        return context


class WeekHoursField(forms.MultiValueField):
    """Seven days of "HH:MM-HH:MM" (or "" for closed), as `Station.hours` stores them."""

    widget = WeekHoursWidget

    def __init__(self, **kwargs):
        fields = [forms.CharField(required=False) for _ in range(14)]
        super().__init__(fields, require_all_fields=False, required=False, **kwargs)

    def compress(self, values):
        values = list(values or []) + [""] * (14 - len(values or []))
        hours, errors = [], []
        for i in range(7):
            start, end = (values[2 * i] or "").strip()[:5], (values[2 * i + 1] or "").strip()[:5]
            if not start and not end:
                hours.append("")
                continue
            day = DAYS[i]
            if not start or not end:
                errors.append(_("%(day)s：请同时填写开门和关门时间，或都留空表示不开放") % {"day": day})
            elif not HOURS_PATTERN.match(f"{start}-{end}"):
                errors.append(_("%(day)s：时间应形如 08:00") % {"day": day})
            elif end <= start:
                errors.append(_("%(day)s：关门时间应晚于开门时间") % {"day": day})
            hours.append(f"{start}-{end}")
        if errors:
            raise forms.ValidationError(errors)
        return hours


class PointPickerWidget(UnfoldAdminDecimalFieldWidget):
    """The 经度 input followed by a map of the city (issue 17): a click on the map fills 纬度 and 经度, typing
    in them moves the marker (console/map.js). The map is hidden until the script runs, so without script
    the two inputs work alone; a point outside the city's outline is flagged under the map, not refused
    (the outlines are approximate)."""

    lat_input = "id_latitude"

    class Media:
        js = ["console/map.js"]

    def __init__(self, attrs=None):
        super().__init__({"step": "any", **(attrs or {})})

    def render(self, name, value, attrs=None, renderer=None):
        field = super().render(name, value, attrs, renderer)
        lng_input = (attrs or {}).get("id") or f"id_{name}"
        picker = {"lat": self.lat_input, "lng": lng_input}
        return mark_safe(
            field + render_to_string("console/map.html", {"map": maps.outline_map(), "picker": picker})
        )  # noqa: S308 - both parts are rendered by escaping templates


class StationForm(forms.ModelForm):
    """Amenities as checkboxes, the week's hours day by day, and coordinates in any system (converted to
    WGS-84)."""

    amenities = forms.MultipleChoiceField(
        label=_("服务项目"), choices=Amenity.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    hours_text = WeekHoursField(
        label=_("每周开放时间"),
        help_text=_("每天填开门和关门时间；不开放的一天两项都留空"),
    )
    entered_system = forms.ChoiceField(
        label=_("按其他坐标系录入（可选）"),
        choices=[("", "—")] + [c for c in CoordSystem.choices if c[0] != CoordSystem.WGS84],
        required=False,
        help_text=_("从高德/腾讯（GCJ-02）或百度（BD-09）拾取的坐标，保存时换算为 WGS-84"),
        widget=UnfoldAdminSelectWidget,
    )
    # bordered single-line inputs like the rest of the form (a bare FloatField renders without unfold's style)
    entered_lat = forms.FloatField(
        label=_("拾取纬度"), required=False, widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "any"})
    )
    entered_lng = forms.FloatField(
        label=_("拾取经度"), required=False, widget=UnfoldAdminDecimalFieldWidget(attrs={"step": "any"})
    )

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
        widgets = {"longitude": PointPickerWidget}

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
        hours = data.get("hours_text")
        if hours is not None and "hours_text" not in self.errors:
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
