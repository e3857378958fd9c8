from copy import copy
from functools import partial

from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminPasswordChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from qms.admin_site import HistoryAdmin
from qms.forms import OffersActiveUnits
from qms.models import (
    LegalDocument,
    ManagementReview,
    Objective,
    Organisation,
    PeriodicReport,
    Plan,
    PlanTask,
    PlanTaskProgress,
    ReviewOutput,
    Unit,
    User,
)
from qms.roles import Role, role_conflicts
from qms.services import user_password_reset

admin.site.site_header = _("One-stop desk QMS administration")
admin.site.site_title = _("QMS administration")
admin.site.index_title = _("Configuration")


@admin.display(description=_("Role"), ordering="name")
def role_name(group: Group) -> str:
    """A group stands for a role (qms.roles) and is named by its code: it is shown by
    the role's name."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    list_display = [role_name]


class RoleListFilter(admin.RelatedFieldListFilter):
    """The accounts' filter by group, its choices named like the roles."""

    def field_choices(self, field, request, model_admin):
        return [(group.pk, role_name(group)) for group in Group.objects.order_by("name")]


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = ["__str__", "code"]

    def get_form(self, request, obj=None, **kwargs):
        return super().get_form(request, obj, form=ActiveUnitsForm, **kwargs)

    def has_add_permission(self, request) -> bool:
        return not Organisation.objects.exists() and super().has_add_permission(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ActiveUnitsForm(OffersActiveUnits, forms.ModelForm):
    """The base of the admin's forms that name units: a deactivated unit is offered
    only on the records that already name it."""


class UserChangeForm(OffersActiveUnits, auth_forms.UserChangeForm):
    """Django's account form, offering active units (`ActiveUnitsForm`)."""


class UserCreationForm(OffersActiveUnits, auth_forms.AdminUserCreationForm):
    """Django's new-account form, offering active units (`ActiveUnitsForm`)."""


@admin.register(Unit)
class UnitAdmin(HistoryAdmin):
    list_display = ["code", "name", "is_one_stop_desk", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        """Units are deactivated, never deleted (`Unit`)."""
        return False


class AccountForm(UserChangeForm):
    """The account's change form. Conflicting roles (`CONFLICTING_ROLES`) are given
    only by a superuser (`may_give_conflicting_roles`, set per request); others keep
    what a superuser gave but cannot add to it."""

    may_give_conflicting_roles = False

    def clean_groups(self):
        groups = self.cleaned_data["groups"]
        if self.may_give_conflicting_roles:
            return groups
        held = role_conflicts(self.instance.roles) if self.instance.pk else set()
        given = role_conflicts(Role(group.name) for group in groups if group.name in Role.values)
        refused = []
        for pair in sorted(given - held, key=sorted):
            first, second = sorted(pair)
            message = _(
                "One account cannot hold both roles %(first)s and %(second)s: only a "
                "superuser can give them together."
            )
            params = {"first": first.label, "second": second.label}
            refused.append(forms.ValidationError(message, params=params, code="conflict"))
        if refused:
            raise forms.ValidationError(refused)
        return groups


class PasswordResetForm(AdminPasswordChangeForm):
    """The admin's password form, saved through `user_password_reset` (the owner
    changes it at the next sign-in, is told, and the log names who reset it). Without
    Django's option to disable password sign-in: an account is deactivated instead."""

    def __init__(self, user, *args, by: User, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        self.by = by
        self.fields.pop("usable_password", None)

    def save(self, commit: bool = True) -> User:
        return user_password_reset(
            user=self.user, password=self.cleaned_data["password1"], by=self.by
        )


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The ISO secretary keeps accounts and their roles, but cannot raise anyone,
    herself included, to superuser or to the leadership roles that sign, give one
    account roles that conflict, or set anyone's password: whoever sets a password
    knows it. Resetting passwords is a superuser's (`user_password_reset`); an account
    created here, whose first password someone else chose, changes it at first
    sign-in too."""

    SIGNING_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)
    form = AccountForm
    add_form = UserCreationForm
    list_display = ["username", "full_name", "unit", "is_active", "is_staff"]
    list_filter = ["unit", ("groups", RoleListFilter), "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password", "must_change_password")}),
        (_("Personal info"), {"fields": ("full_name", "position", "unit", "email")}),
        (
            _("Roles and permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )

    def has_delete_permission(self, request, obj=None) -> bool:
        """Accounts are deactivated, never deleted: their names stay on the records
        and the history they signed or changed."""
        return False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None or request.user.is_superuser:
            return fieldsets
        # No password field: its link leads to the reset form, a superuser's.
        (name, options), *others = fieldsets
        fields = [field for field in options["fields"] if field != "password"]
        return ((name, {**options, "fields": fields}), *others)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions", "must_change_password"]
            if obj == request.user:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.may_give_conflicting_roles = request.user.is_superuser  # a class of its own
        return form

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.must_change_password = obj.has_usable_password()
        super().save_model(request, obj, form, change)

    def has_change_permission(self, request, obj=None) -> bool:
        if (
            obj is not None
            and not request.user.is_superuser
            and (obj.is_superuser or obj.has_role(*self.SIGNING_ROLES))
        ):
            return False
        return super().has_change_permission(request, obj)

    def user_change_password(self, request, id, form_url=""):
        if not request.user.is_superuser:
            raise PermissionDenied
        this_request = copy(self)  # the form must know who resets; self serves every request
        this_request.change_password_form = partial(PasswordResetForm, by=request.user)
        return super(UserAdmin, this_request).user_change_password(request, id, form_url)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(
                name__in=[role.value for role in self.SIGNING_ROLES]
            )
        formfield = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups":
            formfield.label_from_instance = role_name
        return formfield

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "unit", "password1", "password2"),
            },
        ),
    )


class ApprovedRecordAdmin(HistoryAdmin):
    """Admin of an `ApprovedRecord`: read-only once signed."""

    @admin.display(boolean=True, description=_("Approved"))
    def approved(self, record) -> bool:
        return record.approval is not None

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_signed) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.is_signed) and super().has_delete_permission(request, obj)


@admin.register(Objective)
class ObjectiveAdmin(ApprovedRecordAdmin):
    """The ISO secretary writes the year's objectives; the chairman approves them."""

    list_display = ["title", "year", "measure", "comparison", "target", "approved"]
    list_filter = ["year"]


class PlanTaskInline(admin.TabularInline):
    model = PlanTask
    form = ActiveUnitsForm
    extra = 0


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ["number", "issued_on", "title"]
    inlines = [PlanTaskInline]


class PlanTaskProgressInline(admin.TabularInline):
    model = PlanTaskProgress
    extra = 1


@admin.register(PlanTask)
class PlanTaskAdmin(HistoryAdmin):
    """A task on its own page, for the month-by-month progress of one carried out all
    year."""

    form = ActiveUnitsForm
    list_display = ["order", "content", "plan", "deadline", "all_year", "status"]
    list_filter = ["plan", "all_year", "status"]
    inlines = [PlanTaskProgressInline]


@admin.register(LegalDocument)
class LegalDocumentAdmin(HistoryAdmin):
    list_display = ["title", "issuer", "number", "planned_on", "issued_on", "posted_on"]
    list_filter = ["issuer"]
    date_hierarchy = "planned_on"


class ReviewOutputInline(admin.TabularInline):
    model = ReviewOutput
    extra = 0
    fields = ["kind", "decision", "owner", "due_date", "done_on", "result"]
    readonly_fields = ["done_on", "result"]  # the follow-up is recorded on the review page

    def _unsigned(self, obj) -> bool:
        return obj is None or not obj.is_signed

    def has_add_permission(self, request, obj=None) -> bool:
        return self._unsigned(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._unsigned(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._unsigned(obj) and super().has_delete_permission(request, obj)


@admin.register(ManagementReview)
class ManagementReviewAdmin(ApprovedRecordAdmin):
    """Corrections to a review being prepared (a wrong decision, a review to drop);
    a signed review is read-only here as everywhere."""

    list_display = ["held_on", "period_start", "period_end", "chair", "approved"]
    exclude = ["inputs"]
    inlines = [ReviewOutputInline]


@admin.register(PeriodicReport)
class PeriodicReportAdmin(HistoryAdmin):
    """Corrections to a report not yet submitted; a submitted one is read-only."""

    list_display = ["year", "kind", "period", "submitted_on", "submitted_by"]
    list_filter = ["year", "kind"]

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.submitted_on) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.submitted_on) and super().has_delete_permission(request, obj)
