from django.urls import path

from audits import views

app_name = "audits"

urlpatterns = [
    path("", views.audit_list, name="list"),
    path("cua-toi/", views.my_audits, name="mine"),
    path("chuong-trinh/<int:year>/", views.programme, name="programme"),
    path("them/", views.audit_create, name="create"),
    path("<int:pk>/", views.audit_detail, name="detail"),
    path("<int:pk>/sua/", views.audit_update, name="update"),
    path("<int:pk>/duyet-ke-hoach/", views.audit_plan_approve, name="plan_approve"),
    path("<int:pk>/bat-dau/", views.audit_start, name="start"),
    path("<int:pk>/kiem-tra/", views.checklist, name="checklist"),
    path("muc/<int:item_pk>/", views.checklist_answer, name="answer"),
    path("<int:pk>/phat-hien/", views.finding_add, name="finding_add"),
    path("<int:pk>/bao-cao/", views.report_save, name="report_save"),
    path("<int:pk>/ky/", views.report_sign, name="report_sign"),
    path("<int:pk>/ket-thuc/", views.audit_close, name="close"),
    path("<int:pk>/pdf/<slug:kind>/", views.audit_pdf, name="pdf"),
]
