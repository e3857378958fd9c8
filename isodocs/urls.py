from django.urls import path

from isodocs import views

app_name = "isodocs"

urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("chinh-sach-pham-vi/", views.policy, name="policy"),
    path("chinh-sach-pham-vi/chinh-sach/", views.policy_save, name="policy_save"),
    path("chinh-sach-pham-vi/pham-vi/", views.scope_save, name="scope_save"),
    path(
        "chinh-sach-pham-vi/<slug:kind>/<int:pk>/ky/",
        views.version_approve,
        name="version_approve",
    ),
    path("tai-lieu-noi-bo/", views.internal_documents, name="internal_documents"),
    path("tai-lieu-ben-ngoai/", views.external_documents, name="external_documents"),
    path("tai-lieu-ben-ngoai/them/", views.external_create, name="external_create"),
    path("tai-lieu-ben-ngoai/<int:pk>/", views.external_update, name="external_update"),
    path("cong-bo/", views.announcements, name="announcements"),
    path("cong-bo/du-thao/", views.announcement_create, name="announcement_create"),
    path("cong-bo/<int:pk>/ky/", views.announcement_sign, name="announcement_sign"),
    path("cong-bo/<int:pk>/pdf/", views.announcement_export, name="announcement_pdf"),
    path("bao-cao-nam/<year:year>/", views.yearly_report, name="yearly_report"),
    path("bao-cao-nam/<year:year>/<slug:fmt>/", views.yearly_export, name="yearly_export"),
]
