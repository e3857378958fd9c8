from django.urls import path

from nonconformities import views

app_name = "nonconformities"

urlpatterns = [
    path("", views.register, name="register"),
    path("them/", views.raise_nonconformity, name="raise"),
    path("xuat-xlsx/", views.register_export, name="export"),
    path("<int:pk>/pdf/", views.nonconformity_pdf_view, name="pdf"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:name>/", views.step, name="step"),
    path("hanh-dong/<int:pk>/xong/", views.action_done, name="action_done"),
    path("hanh-dong/<int:pk>/tep/", views.action_evidence, name="action_evidence"),
    path("phan-anh/", views.complaints, name="complaints"),
    path("phan-anh/<int:pk>/tra-loi/", views.complaint_answer, name="complaint_answer"),
    path("phan-anh/<int:pk>/khong-hai-long/", views.complaint_disliked, name="complaint_disliked"),
]
