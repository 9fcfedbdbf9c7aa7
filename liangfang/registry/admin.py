"""A read-only admin over the registry until the web application exists. Writes go through
services (firm rule), so the admin adds, changes and deletes nothing; resident IDs are masked
and phones and bank accounts are not shown."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from ..ids import mask_resident_id
from .models import (
    Cadre,
    CadrePairing,
    ChangeRecord,
    Department,
    DepartmentPairing,
    Household,
    IncomeRecord,
    Member,
    Region,
    VillageFacilities,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return bool(request.user.is_active and request.user.is_staff)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_active and request.user.is_staff)


class MemberInline(admin.TabularInline):
    model = Member
    fields = ("name", "relation", "sex", "birth_date", "health_status", "labor_ability",
              "school_status", "medical_insurance", "is_active")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class IncomeInline(admin.TabularInline):
    model = IncomeRecord
    fields = ("year", "household_size", "wage_income", "business_income", "property_income",
              "business_expense", "per_capita")
    readonly_fields = fields
    extra = 0
    can_delete = False

    @admin.display(description="人均纯收入")
    def per_capita(self, obj: IncomeRecord) -> str:
        return f"{obj.per_capita_net_income:,.2f}"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level", "is_poor_village", "exit_year")
    list_filter = ("level", "is_poor_village", "exit_year")
    search_fields = ("code", "name")


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("number", "village", "status", "poverty_attribute", "main_cause", "exit_year")
    list_filter = ("status", "is_registered", "poverty_attribute", "main_cause", "housing_grade",
                   "exit_year")
    search_fields = ("number", "members__name")
    list_select_related = ("village",)
    exclude = ("phone", "bank_account")
    inlines = (MemberInline, IncomeInline)
    show_full_result_count = False


@admin.register(Member)
class MemberAdmin(ReadOnlyAdmin):
    list_display = ("name", "masked_id", "household", "relation", "sex", "birth_date",
                    "health_status", "labor_ability")
    list_filter = ("relation", "health_status", "labor_ability", "school_status", "is_active")
    search_fields = ("name", "=resident_id", "household__number")
    list_select_related = ("household",)
    exclude = ("resident_id", "phone")
    show_full_result_count = False

    @admin.display(description="身份证号码")
    def masked_id(self, obj: Member) -> str:
        return mask_resident_id(obj.resident_id)


@admin.register(IncomeRecord)
class IncomeRecordAdmin(ReadOnlyAdmin):
    list_display = ("household", "year", "household_size", "wage_income", "business_income")
    list_filter = ("year",)
    search_fields = ("household__number",)
    list_select_related = ("household",)
    show_full_result_count = False


@admin.register(VillageFacilities)
class VillageFacilitiesAdmin(ReadOnlyAdmin):
    list_display = ("village", "year", "hardened_road", "clinic", "clinic_doctor", "culture_room")
    list_filter = ("year",)


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit_level")
    search_fields = ("name",)


@admin.register(Cadre)
class CadreAdmin(ReadOnlyAdmin):
    list_display = ("name", "unit_name", "post", "unit_level")
    search_fields = ("name", "unit_name")
    exclude = ("phone", "resident_id")


@admin.register(CadrePairing)
class CadrePairingAdmin(ReadOnlyAdmin):
    list_display = ("cadre", "household", "start_date", "end_date")
    list_select_related = ("cadre", "household")


@admin.register(DepartmentPairing)
class DepartmentPairingAdmin(ReadOnlyAdmin):
    list_display = ("department", "village", "start_date", "end_date")
    list_select_related = ("department", "village")


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor", "action", "entity", "household_number")
    list_filter = ("action", "entity")
    search_fields = ("household_number", "actor")
    show_full_result_count = False
