"""The console's base ModelAdmin: every list, form and object lookup goes through `restrict`, and every
write through a service (the one write door).

Permissions come from xinye roles, not Django's per-model permissions. An object outside the user's
scope is a 404 (never a redirect that confirms it exists). Sensitive fields are masked and read-only
for roles without view_sensitive.

Writes: `save_model` and `delete_model` call the admin's `save_object` / `delete_object` hooks, which call
the app's service function (the generic `accounts.writes` door by default); the form validates through
`validate_object` (the services' pure checks and the actor's scope) so a refusal shows beside the form.
A refusal raised by the service itself (a race) rolls the whole request back and is shown as a message.

Stale edits (issue 18 item 4): the change form of a `Versioned` model carries the version it was loaded at
(a hidden field); saving it after someone else saved the row re-shows the form with the user's input and
「此记录已被他人于 HH:MM 修改（用户名）…」, and nothing is saved.
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from unfold.admin import ModelAdmin, TabularInline
from unfold.widgets import UnfoldAdminTextInputWidget

from xinye.accounts import writes
from xinye.accounts.permissions import has_action, in_scope, require_place, restrict
from xinye.audit.models import ChangeLog
from xinye.audit.services import log_sensitive_access
from xinye.console.exports import ListExportMixin
from xinye.console.search import PrivateSearchMixin
from xinye.core.errors import OutOfScope, Refused, Stale
from xinye.core.masking import mask
from xinye.core.versioning import Versioned


def sensitive_fields(model) -> list:
    return [f for f in model._meta.concrete_fields if getattr(f, "sensitive", False)]


class ScopedAdmin(PrivateSearchMixin, ListExportMixin, ModelAdmin):
    """Base for every xinye ModelAdmin. Its list's search keeps the term out of the URL (console.search)."""

    list_per_page = 50
    warn_unsaved_form = True
    compressed_fields = True
    # Inside the change form: the hidden version field of a Versioned model (stale edits are refused).
    change_form_after_template = "console/version_field.html"

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

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        # An encrypted ID number or phone is stored in a text column, but it is one line of digits: a single-line
        # input, not a 220 px text area (issue 17). Encrypted free texts (an appeal's) stay text areas.
        if getattr(db_field, "sensitive", False) and getattr(db_field, "mask", "text") != "text":
            attrs = {"autocomplete": "off", "spellcheck": "false", "maxlength": "32"}
            if db_field.mask == "phone":
                attrs["inputmode"] = "tel"
            kwargs["widget"] = UnfoldAdminTextInputWidget(attrs=attrs)
        return super().formfield_for_dbfield(db_field, request, **kwargs)

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
            obj = self.get_object(request, unquote(object_id))
            if not self.may_see_sensitive(request, obj):
                return response
            shown = [str(f.verbose_name) for f in sensitive_fields(self.model) if getattr(obj, f.name)]
            if shown:
                log_sensitive_access("view_sensitive", obj=obj, fields=shown)
        return response

    # --- per-object history from the change log ---
    def history_view(self, request, object_id, extra_context=None):
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

    # --- writes: one door ---
    def save_object(self, actor, obj, form, change):
        """Write `obj` through its service and return the saved instance. Override per admin to call the
        app's service function; the default is the generic door (scope before and after, change log)."""
        return writes.save(obj, actor=actor)

    def delete_object(self, actor, obj) -> None:
        """Delete `obj` through its service (override per admin where deleting has rules)."""
        writes.delete(obj, actor=actor)

    def validate_object(self, actor, obj, change: bool) -> None:
        """The checks a form runs before saving: where the row would be written must be inside the actor's
        scope. Admins add their service's pure `clean_*` rules. Raises Refused or OutOfScope."""
        require_place(actor, "change" if change else "add", obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        return _bind_form(form, self, request.user, change)

    def save_model(self, request, obj, form, change):
        saved = self.save_object(request.user, obj, form, change)
        if saved is not None and saved is not obj:
            # The service built its own instance: the admin goes on (log entry, message, redirect) with the
            # saved row's values.
            for field in obj._meta.concrete_fields:
                setattr(obj, field.attname, getattr(saved, field.attname))
            obj._state.adding = False
            obj._state.db = saved._state.db

    def delete_model(self, request, obj):
        self.delete_object(request.user, obj)

    @transaction.atomic  # "delete selected": all the rows or none of them
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_object(request.user, obj)

    # A refusal the form could not foresee (a race, a rule about deleting) rolls the request back — the
    # admin's views run in one transaction — and is shown as a message on the page, not as an error page.
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except Refused as exc:
            return self._refused(request, exc)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except Refused as exc:
            return self._refused(request, exc)

    def changelist_view(self, request, extra_context=None):
        try:
            return super().changelist_view(request, extra_context)
        except Refused as exc:  # an action (delete selected) refused for one of the rows: none is deleted
            return self._refused(request, exc)

    def _refused(self, request, exc: Refused):
        for message in writes.refusal_messages(exc):
            self.message_user(request, message, level=messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())


def add_refusal(form, exc: ValidationError) -> None:
    """Show a refusal on the form: beside the field it names when the form has that field, above it else."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


VERSION_FIELD = "xinye_version"


def _bind_form(form_class, model_admin, actor, change: bool):
    """The admin's form class for one request, validating through the admin's `validate_object` with this
    request's actor (the ModelAdmin itself is shared between requests and keeps no request).

    The change form of a `Versioned` model also carries the version it was loaded at (`VERSION_FIELD`,
    hidden): when the row has moved on by the time it is posted, the form is shown again with the user's
    input and who changed the row and when; the save itself checks that version too (`core.versioning`)."""
    versioned = change and issubclass(model_admin.model, Versioned)

    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        if versioned and self.instance.pk is not None:
            self.fields[VERSION_FIELD].initial = self.instance.version

    def _post_clean(self):
        form_class._post_clean(self)
        if self.errors:
            return
        try:
            if versioned:
                posted = (self.cleaned_data.get(VERSION_FIELD) or "").strip()
                writes.expect_version(self.instance, int(posted) if posted.isdigit() else None)
            model_admin.validate_object(actor, self.instance, change)
        except Stale as exc:
            self.add_error(None, writes.refusal_messages(exc))
        except OutOfScope:
            self.add_error(None, "所选单位不在您的管辖范围内")
        except ValidationError as exc:
            add_refusal(self, exc)

    attrs = {"__init__": __init__, "_post_clean": _post_clean, "xinye_actor": actor}
    if versioned:
        attrs[VERSION_FIELD] = forms.CharField(widget=forms.HiddenInput, required=False)
    return type(form_class.__name__, (form_class,), attrs)


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

    def has_view_permission(self, request, obj=None):
        # xinye's roles, not Django's model permissions (which no xinye role holds): without this the rows
        # were hidden from everyone but a superuser. The parent page is already inside the user's scope; an
        # add form (obj None) has no rows to show, and shows no empty table either.
        return obj is not None and has_action(request.user, "view", self.model)


class ReadOnlyAdmin(ScopedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


__all__ = ["ScopedAdmin", "ReadOnlyAdmin", "ReadOnlyInline", "admin"]
