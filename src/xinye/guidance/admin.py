from django.contrib import admin

from xinye.core.admin import ScopedAdmin
from xinye.guidance.models import Agent


@admin.register(Agent)
class AgentAdmin(ScopedAdmin):
    list_display = ["name", "kind", "unit", "region", "industry", "phone_masked", "is_active"]
    list_filter = ["kind", "region", "industry", "is_active"]
    search_fields = ["name"]
    list_select_related = ["unit", "region"]
    autocomplete_fields = ["unit", "user"]
    fields = [
        "kind",
        "name",
        "phone",
        "unit",
        "region",
        "industry",
        "user",
        "latitude",
        "longitude",
        "is_active",
    ]
    nav_icon = "support_agent"
