from django.urls import path

from .views import auth, create, dashboard, edit, households, imports, measures, passwords, plans, samples

app_name = "web"

urlpatterns = [
    path("", auth.home, name="home"),
    path("login/", auth.login_view, name="login"),
    path("logout/", auth.logout_view, name="logout"),
    path("region/<str:code>/", dashboard.dashboard_view, name="dashboard"),
    path("households/", households.household_list, name="households"),
    path("households/export.xlsx", households.household_export, name="export"),
    path("households/new/", create.household_new_view, name="household_new"),
    path("households/<str:number>/", households.household_detail, name="household"),
    path("households/<str:number>/edit/", edit.household_edit, name="household_edit"),
    path("households/<str:number>/members/add/", edit.member_add_view, name="member_add"),
    path("households/<str:number>/members/<int:member_id>/edit/", edit.member_edit_view, name="member_edit"),
    path("households/<str:number>/members/<int:member_id>/remove/", edit.member_remove_view, name="member_remove"),
    path("households/<str:number>/incomes/add/", edit.income_edit_view, name="income_add"),
    path("households/<str:number>/incomes/<int:year>/", edit.income_edit_view, name="income_edit"),
    path("households/<str:number>/cadre/", edit.pairing_edit_view, name="pairing_edit"),
    path("households/<str:number>/measures/<int:measure_id>/", plans.measure_view, name="measure"),
    path("households/<str:number>/measures/<int:measure_id>/decide/", plans.measure_decide_view,
         name="measure_decide"),
    path("households/<str:number>/measures/<int:measure_id>/change/", plans.measure_change_view,
         name="measure_change"),
    path("households/<str:number>/measures/<int:measure_id>/deliver/", plans.delivery_view, name="delivery"),
    path("households/<str:number>/plans/<int:plan_id>/accept/", plans.plan_accept_view, name="plan_accept"),
    path("households/<str:number>/plans/<int:plan_id>/revise/", plans.plan_revise_view, name="plan_revise"),
    path("households/<str:number>/visits/add/", plans.visit_add_view, name="visit_add"),
    path("region/<str:code>/plans/", plans.area_plans_view, name="area_plans"),
    path("region/<str:code>/plans/propose/", plans.area_plan_propose_view, name="area_plan_propose"),
    path("import/", imports.import_view, name="import"),
    path("import/errors/<str:token>/", imports.import_errors_view, name="import_errors"),
    path("import/template.xlsx", imports.template_view, name="import_template"),
    path("account/password/", passwords.own_password_view, name="password"),
    path("accounts/", passwords.accounts_view, name="accounts"),
    path("accounts/<str:username>/password/", passwords.reset_password_view, name="reset_password"),
    path("region/<str:code>/measures/", measures.measures_view, name="measures"),
    path("region/<str:code>/samples/", samples.samples_view, name="samples"),
    path("samples/<int:sample_id>/results/", samples.sample_results_view, name="sample_results"),
    path("samples/<int:sample_id>/<str:kind>/", samples.sample_file_view, name="sample_file"),
]
