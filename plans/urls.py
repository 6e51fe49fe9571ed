from __future__ import annotations

from django.urls import include, path

from plans.views import plans, reports

app_name = "plans"

plan_urls = [
    path("", plans.plan_list, name="list"),
    path("current/", plans.plan_current, name="detail_current"),
    path("new/", plans.plan_create, name="create"),
    path("<uuid:public_id>/", plans.plan_detail, name="detail"),
    path("<uuid:public_id>/edit/", plans.plan_edit, name="edit"),
    path("<uuid:public_id>/copy/", plans.plan_copy, name="copy"),
    path("<uuid:public_id>/tasks/new/", plans.task_create, name="task_create"),
    path("<uuid:public_id>/budget/", plans.budget_list, name="budget"),
]

task_urls = [
    path("<uuid:public_id>/", plans.task_detail, name="task_detail"),
    path("<uuid:public_id>/edit/", plans.task_edit, name="task_edit"),
    path("<uuid:public_id>/assignments/new/", plans.assignment_create, name="assignment_create"),
]

assignment_urls = [
    path("<int:pk>/edit/", plans.assignment_edit, name="assignment_edit"),
    path("<int:pk>/delete/", plans.assignment_delete, name="assignment_delete"),
    path("<int:pk>/report/", reports.report_create, name="report_create"),
]

report_urls = [
    path("mine/", reports.my_assignments, name="my_assignments"),
    path("review/", reports.review_queue, name="review_queue"),
    path("overdue/", reports.overdue_list, name="overdue"),
    path("<uuid:public_id>/", reports.report_detail, name="report_detail"),
    path("<uuid:public_id>/edit/", reports.report_edit, name="report_edit"),
    path("<uuid:public_id>/accept/", reports.report_accept, name="report_accept"),
    path("<uuid:public_id>/return/", reports.report_return, name="report_return"),
    path("<uuid:public_id>/attachment/", reports.report_attachment, name="report_attachment"),
]

urlpatterns = [
    path("", include(plan_urls)),
    path("tasks/", include(task_urls)),
    path("assignments/", include(assignment_urls)),
    path("activities/", include(report_urls)),
]
