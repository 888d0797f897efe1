from django.http import HttpResponse
from django.template.loader import render_to_string


def locked_out(request, credentials=None, *args, **kwargs):
    """Shown instead of the login form while an account or an IP is locked (django-axes)."""
    html = render_to_string("accounts/locked_out.html", request=request)
    return HttpResponse(html, status=429)
