from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from xinye.accounts import services
from xinye.accounts.models import ApiToken, Role, RoleAssignment, User
from xinye.accounts.permissions import has_action
from xinye.console.admin import ReadOnlyAdmin, ScopedAdmin
from xinye.core.errors import Refused


class RoleAssignmentFormSet(forms.BaseInlineFormSet):
    """The roles of one user, checked as a whole against separation of duties (accounts.services)."""

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data["role"]
            for form in self.forms
            if form.cleaned_data.get("role") and not form.cleaned_data.get("DELETE")
        ]
        changed = any(form.has_changed() for form in self.forms)
        user = self.instance if self.instance.pk else None
        try:
            services.clean_role_change(actor=self.actor, user=user, roles=kept, changed=changed)
        except Refused as exc:
            raise ValidationError(exc.messages)


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 0
    # A plain list of units, not an autocomplete: the 安全管理员 who grants roles has no view on the tree,
    # so the tree's autocomplete endpoint would answer them nothing.

    def _may(self, request, action):
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
    list_display = ["username", "display_name", "is_active", "is_staff", "second_factor", "last_login"]
    list_filter = ["is_active", "is_staff"]
    search_fields = ["username", "display_name"]
    actions = ["reset_second_factor"]
    fieldsets = [
        (None, {"fields": ["username", "password", "display_name", "email"]}),
        (_("状态"), {"fields": ["is_active", "is_staff", "last_login", "date_joined"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [RoleAssignmentInline]
    nav_icon = "person"

    @admin.display(description=_("双因素认证"))
    def second_factor(self, obj):
        enrolled = TOTPDevice.objects.filter(user=obj, confirmed=True).exists()
        return gettext("已启用") if enrolled else gettext("未启用")

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not services.is_security_admin(request.user):
            actions.pop("reset_second_factor", None)  # only the 安全管理员 resets (等保三员分立)
        return actions

    @admin.action(description=_("重置双因素认证（下次登录时重新绑定验证器）"))
    def reset_second_factor(self, request, queryset):
        done = []
        for user in queryset:
            try:
                services.reset_second_factor(user, actor=request.user)
            except Refused as exc:
                for message in exc.messages:
                    self.message_user(request, f"{user.username}：{message}", level=messages.ERROR)
            else:
                done.append(user.username)
        if done:
            self.message_user(
                request,
                gettext("已重置 %(names)s 的双因素认证；其下次登录时须重新绑定验证器。")
                % {"names": "、".join(done)},
            )

    def get_formset_kwargs(self, request, obj, inline, prefix):
        kwargs = super().get_formset_kwargs(request, obj, inline, prefix)
        if isinstance(inline, RoleAssignmentInline):
            kwargs["actor"] = request.user  # per formset instance: the admin keeps no request
        return kwargs

    def save_formset(self, request, form, formset, change):
        if not isinstance(formset, RoleAssignmentFormSet):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)  # fills new_objects, changed_objects, deleted_objects; writes nothing
        for assignment in formset.deleted_objects:
            services.remove_role(assignment, actor=request.user)
        for assignment in [*formset.new_objects, *(obj for obj, _fields in formset.changed_objects)]:
            services.save_assignment(assignment, actor=request.user)


@admin.register(Role)
class RoleAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "mode", "description", "builtin"]
    nav_icon = "badge"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ScopedAdmin):
    list_display = ["user", "role", "unit", "industry", "created_at"]
    list_filter = ["role", "industry"]
    search_fields = ["user__username", "unit__name"]
    autocomplete_fields = ["user"]
    nav_icon = "key"

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # Granting a role over any unit is the 安全管理员's job, who holds no grant on the tree itself
        # (as in the user page's inline): the unit list is the whole tree, not the actor's view of it.
        if db_field.name == "unit":
            kwargs["queryset"] = db_field.related_model._default_manager.all()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def validate_object(self, actor, obj, change):
        super().validate_object(actor, obj, change)
        if obj.user_id and obj.role_id:
            others = [ra.role for ra in obj.user.role_assignments.exclude(pk=obj.pk).select_related("role")]
            services.clean_role_change(actor=actor, user=obj.user, roles=[*others, obj.role], changed=True)

    def save_object(self, actor, obj, form, change):
        return services.save_assignment(obj, actor=actor)

    def delete_object(self, actor, obj):
        services.remove_role(obj, actor=actor)


@admin.register(ApiToken)
class ApiTokenAdmin(ScopedAdmin):
    list_display = ["prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["prefix", "user", "created_at", "last_used_at"]
    fields = [
        "prefix",
        "user",
        "name",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "allowed_ips",
    ]
    actions = ["revoke"]
    nav_icon = "token"

    def has_add_permission(self, request):
        return False  # tokens are created with `xinye token create`, which shows the key once

    @admin.action(description=_("吊销所选令牌"))
    def revoke(self, request, queryset):
        for token in queryset:
            services.revoke_token(token, actor=request.user)
