"""`{% statistics_export_button %}`: the 导出 Excel button of a statistics page (console.exports)."""

from django import template
from django.template.loader import render_to_string

from xinye.console.exports import may_export_page

register = template.Library()


@register.simple_tag(takes_context=True)
def statistics_export_button(context):
    request = context.get("request")
    if request is None or not may_export_page(request):
        return ""
    query = request.GET.copy()
    query.pop("format", None)
    query["format"] = "xlsx"
    return render_to_string("console/_export_button.html", {"url": f"?{query.urlencode()}"})
