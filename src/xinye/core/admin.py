"""The console's base ModelAdmin: every list, form and object lookup goes through `restrict`.

Permissions come from xinye roles, not Django's per-model permissions. An object outside the user's
scope is a 404 (never a redirect that confirms it exists). Sensitive fields are masked and read-only
for roles without view_sensitive.
"""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404
from unfold.admin import ModelAdmin, TabularInline

from xinye.accounts.permissions import has_action, in_scope, restrict, unit_in_scope
from xinye.core.masking import mask


def sensitive_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if getattr(f, "sensitive", False)]


class ScopedAdmin(ModelAdmin):
    """Base for every xinye ModelAdmin."""

    list_per_page = 50
    warn_unsaved_form = True
    compressed_fields = True

    # --- queryset and object lookups: one door ---
    def get_queryset(self, request):
        return restrict(super().get_queryset(request), request.user, "view")

    def get_object(self, request, object_id, from_field=None):
        # Before any permission check: an object outside scope is absent (404), never "forbidden" (403).
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404("对象不存在或不在您的管辖范围内")
        return obj

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        raise Http404("对象不存在或不在您的管辖范围内")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        related = db_field.related_model
        if getattr(related, "scope", None) is not None and "queryset" not in kwargs:
            kwargs["queryset"] = restrict(related._default_manager.all(), request.user, "view")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        related = db_field.related_model
        if getattr(related, "scope", None) is not None and "queryset" not in kwargs:
            kwargs["queryset"] = restrict(related._default_manager.all(), request.user, "view")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    # --- permissions from roles ---
    def has_module_permission(self, request):
        return has_action(request.user, "view", self.model)

    def has_view_permission(self, request, obj=None):
        if not has_action(request.user, "view", self.model):
            return False
        return obj is None or in_scope(request.user, "view", obj)

    def has_add_permission(self, request):
        return has_action(request.user, "add", self.model)

    def has_change_permission(self, request, obj=None):
        if not has_action(request.user, "change", self.model):
            return False
        return obj is None or in_scope(request.user, "change", obj)

    def has_delete_permission(self, request, obj=None):
        if not has_action(request.user, "delete", self.model):
            return False
        return obj is None or in_scope(request.user, "delete", obj)

    # --- sensitive fields ---
    def may_see_sensitive(self, request, obj=None) -> bool:
        """Per object when there is one: view_sensitive is a right over a scope, and a second role that
        only reads (e.g. a department's whole industry) must not widen it."""
        if obj is None or obj.pk is None:
            return has_action(request.user, "view_sensitive", self.model)
        return in_scope(request.user, "view_sensitive", obj)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not self.may_see_sensitive(request, obj):
            fields += [f"{f.name}_masked" for f in sensitive_fields(self.model)]
        return fields

    def get_fields(self, request, obj=None):
        fields = list(super().get_fields(request, obj))
        if not self.may_see_sensitive(request, obj):
            names = {f.name for f in sensitive_fields(self.model)}
            fields = [f"{f}_masked" if f in names else f for f in fields]
        return fields

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if self.may_see_sensitive(request, obj):
            return fieldsets
        names = {f.name for f in sensitive_fields(self.model)}
        out = []
        for title, opts in fieldsets:
            opts = dict(opts)
            opts["fields"] = [f"{f}_masked" if f in names else f for f in opts.get("fields", [])]
            out.append((title, opts))
        return out

    def __getattr__(self, name):
        # `<field>_masked` read-only display for any sensitive field.
        if name.endswith("_masked"):
            field_name = name[: -len("_masked")]
            field = next((f for f in sensitive_fields(self.model) if f.name == field_name), None)
            if field is not None:

                def display(obj, _field=field):
                    return mask(_field.mask, getattr(obj, _field.name, ""))

                display.short_description = field.verbose_name
                return display
        raise AttributeError(name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """Every unmasked view of sensitive values is logged (domain.md privacy)."""
        response = super().change_view(request, object_id, form_url, extra_context)
        if request.method == "GET" and response.status_code == 200:
            from django.contrib.admin.utils import unquote

            from xinye.audit.services import log_sensitive_access

            obj = self.get_object(request, unquote(object_id))
            if not self.may_see_sensitive(request, obj):
                return response
            shown = [str(f.verbose_name) for f in sensitive_fields(self.model) if getattr(obj, f.name)]
            if shown:
                log_sensitive_access("view_sensitive", obj=obj, fields=shown)
        return response

    # --- per-object history from the change log ---
    def history_view(self, request, object_id, extra_context=None):
        from django.contrib.admin.utils import unquote
        from django.contrib.contenttypes.models import ContentType
        from django.template.response import TemplateResponse

        from xinye.audit.models import ChangeLog

        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_or_change_permission(request, obj):
            raise Http404("对象不存在或不在您的管辖范围内")
        entries = ChangeLog.objects.filter(
            content_type=ContentType.objects.get_for_model(self.model), object_id=str(obj.pk)
        ).order_by("-time", "-id")[:200]
        for entry in entries:
            before, after = entry.before or {}, entry.after or {}
            entry.changes = [(f, before.get(f, ""), after.get(f, "")) for f in entry.changed_fields or []]
        context = {
            **self.admin_site.each_context(request),
            "title": f"修改历史：{obj}",
            "object": obj,
            "opts": self.model._meta,
            "entries": entries,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "audit/object_history.html", context)

    # --- writes stay inside scope ---
    def save_model(self, request, obj, form, change):
        unit = getattr(obj, "unit", None) if hasattr(obj, "unit_id") else None
        spec = getattr(self.model, "scope", None)
        if spec is not None and not spec.everywhere and spec.unit == "unit":
            action = "change" if change else "add"
            if unit is None or not unit_in_scope(
                request.user, action, self.model, unit, getattr(obj, "industry", "")
            ):
                raise PermissionDenied("所选单位不在您的管辖范围内")
        super().save_model(request, obj, form, change)


class ReadOnlyInline(TabularInline):
    """A record shown inside its parent's page and never edited there: history, steps, events, consents."""

    extra = 0
    can_delete = False

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *(self.fields or ())]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = ["ScopedAdmin", "ReadOnlyAdmin", "ReadOnlyInline", "admin"]
