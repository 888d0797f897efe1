from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from xinye.accounts.models import ApiToken, Role, RoleAssignment, User
from xinye.console.admin import ReadOnlyAdmin, ScopedAdmin

# 等保三员: the system, security and audit administrators hold their role alone, and nobody grants
# themselves anything (a security administrator would otherwise make itself 市级管理员).
SEPARATED_ROLES = {"sysadmin", "secadmin", "auditor"}


def check_roles(actor, user, roles: list, *, changed: bool) -> None:
    """Refuse a change of `user`'s roles (the full list after the change) that breaks separation of duties."""
    if changed and user is not None and user.pk == actor.pk:
        raise ValidationError("不能修改自己的角色授权（等保三员分立）")
    codes = {r.code for r in roles}
    if codes & SEPARATED_ROLES and len(codes) > 1:
        raise ValidationError("系统管理员、安全管理员、审计员角色不能与其他角色兼任（等保三员分立）")


class RoleAssignmentFormSet(forms.BaseInlineFormSet):
    request = None

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")
        ]
        changed = any(form.has_changed() for form in self.forms)
        check_roles(self.request.user, self.instance if self.instance.pk else None, kept, changed=changed)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 0
    autocomplete_fields = ["unit"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"request": request})

    def _may(self, request, action):
        from xinye.accounts.permissions import has_action

        return has_action(request.user, action, RoleAssignment)

    def has_view_permission(self, request, obj=None):
        return self._may(request, "view")

    def has_add_permission(self, request, obj=None):
        return self._may(request, "add")

    def has_change_permission(self, request, obj=None):
        return self._may(request, "change")

    def has_delete_permission(self, request, obj=None):
        return self._may(request, "delete")


@admin.register(User)
class UserAdmin(DjangoUserAdmin, ScopedAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    change_password_form = AdminPasswordChangeForm
    list_display = ["username", "display_name", "is_active", "is_staff", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["username", "display_name"]
    fieldsets = [
        (None, {"fields": ["username", "password", "display_name", "email"]}),
        (_("状态"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleAssignmentInline]
    nav_icon = "person"


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "mode", "description", "builtin"]
    nav_icon = "badge"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "unit", "industry", "created_at"]
    list_filter = ["role", "industry"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user", "unit"]
    nav_icon = "key"

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)

        def clean(self):
            data = forms.ModelForm.clean(self)
            user, role = data.get("user"), data.get("role")
            if user is not None and role is not None:
                others = [ra.role for ra in user.role_assignments.exclude(pk=self.instance.pk)]
                check_roles(request.user, user, [*others, role], changed=True)
                if self.instance.pk and self.instance.user_id != user.pk:
                    check_roles(request.user, self.instance.user, [], changed=True)
            return data

        return type(form.__name__, (form,), {"clean": clean})


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["prefix", "user", "created_at", "last_used_at"]
    fields = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    actions = ["revoke"]
    nav_icon = "token"

    def has_add_permission(self, request):
        return False  # tokens are created with `xinye token create`, which shows the key once

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        from xinye.accounts.services import revoke_token

        for token in queryset:
            revoke_token(token)
