from django import forms
from django.contrib import admin
from django.contrib.auth import forms as auth_forms
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from qms.forms import OffersActiveUnits
from qms.models import (
    ManagementReview,
    Objective,
    Organisation,
    PeriodicReport,
    Plan,
    PlanTask,
    ReviewOutput,
    Unit,
    User,
)
from qms.roles import Role

admin.site.site_header = _("One-stop desk QMS administration")
admin.site.site_title = _("QMS administration")
admin.site.index_title = _("Configuration")


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "superior"]

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
class UnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name", "is_one_stop_desk", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]

    def has_delete_permission(self, request, obj=None) -> bool:
        """Units are deactivated, never deleted (`Unit`)."""
        return False


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    """The ISO secretary keeps accounts and their roles, but cannot raise anyone,
    herself included, to superuser or to the leadership roles that sign."""

    SIGNING_ROLES = (Role.CHAIRMAN, Role.VICE_CHAIRMAN)
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["username", "full_name", "unit", "is_active", "is_staff"]
    list_filter = ["unit", "groups", "is_active", "is_staff"]
    search_fields = ["username", "full_name", "email"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
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

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += ["is_superuser", "user_permissions"]
            if obj == request.user:
                readonly += ["groups", "is_staff", "is_active"]
        return readonly

    def has_change_permission(self, request, obj=None) -> bool:
        if (
            obj is not None
            and not request.user.is_superuser
            and (obj.is_superuser or obj.has_role(*self.SIGNING_ROLES))
        ):
            return False
        return super().has_change_permission(request, obj)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups" and not request.user.is_superuser:
            kwargs["queryset"] = Group.objects.exclude(
                name__in=[role.value for role in self.SIGNING_ROLES]
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "unit", "password1", "password2"),
            },
        ),
    )


class ApprovedRecordAdmin(SimpleHistoryAdmin):
    """Admin of an `ApprovedRecord`: read-only once approved."""

    @admin.display(boolean=True, description=_("Approved"))
    def approved(self, record) -> bool:
        return record.approval is not None

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.approval is None) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or obj.approval is None) and super().has_delete_permission(request, obj)


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
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ["number", "issued_on", "title"]
    inlines = [PlanTaskInline]


class ReviewOutputInline(admin.TabularInline):
    model = ReviewOutput
    extra = 0
    fields = ["kind", "decision", "owner", "due_date", "done_on", "result"]
    readonly_fields = ["done_on", "result"]  # the follow-up is recorded on the review page

    def _unsigned(self, obj) -> bool:
        return obj is None or obj.approval is None

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
class PeriodicReportAdmin(SimpleHistoryAdmin):
    """Corrections to a report not yet submitted; a submitted one is read-only."""

    list_display = ["year", "period", "submitted_on", "submitted_by"]
    list_filter = ["year"]

    def has_change_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.submitted_on) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return (obj is None or not obj.submitted_on) and super().has_delete_permission(request, obj)
