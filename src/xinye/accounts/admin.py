from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from xinye.accounts.models import ApiToken, Role, RoleAssignment, User
from xinye.core.admin import ReadOnlyAdmin, ScopedAdmin


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    autocomplete_fields = ["unit"]

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
        ("状态", {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
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

    @admin.action(description="吊销所选令牌")
    def revoke(self, request, queryset):
        from xinye.accounts.services import revoke_token

        for token in queryset:
            revoke_token(token)
