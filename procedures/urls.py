from django.urls import include, path

from procedures import dossier_views, views

app_name = "procedures"

procedure_patterns = [
    path("", views.procedure_list, name="list"),
    path("them/", views.procedure_create, name="create"),
    path("can-doc/", views.to_acknowledge, name="to_acknowledge"),
    path("<str:code>/", views.procedure_detail, name="detail"),
    path("<str:code>/sua/", views.procedure_update, name="update"),
    path("<str:code>/ra-soat/", views.procedure_review, name="review"),
    path("<str:code>/soan-moi/", views.revision_create, name="revision_create"),
    path("lan-ban-hanh/<int:pk>/", views.revision_detail, name="revision_detail"),
    path("lan-ban-hanh/<int:pk>/sua/", views.revision_edit, name="revision_edit"),
    path("lan-ban-hanh/<int:pk>/trinh/", views.revision_submit, name="revision_submit"),
    path("lan-ban-hanh/<int:pk>/phe-duyet/", views.revision_approve, name="revision_approve"),
    path("lan-ban-hanh/<int:pk>/thu-hoi/", views.revision_withdraw, name="revision_withdraw"),
    path("lan-ban-hanh/<int:pk>/da-doc/", views.revision_acknowledge, name="revision_acknowledge"),
    path("lan-ban-hanh/<int:pk>/pdf/", views.revision_pdf_view, name="revision_pdf"),
    path("lan-ban-hanh/<int:pk>/tep/", views.revision_attachment, name="revision_attachment"),
    path(
        "lan-ban-hanh/<int:pk>/so-sanh/<int:other>/",
        views.revision_compare,
        name="revision_compare",
    ),
]

dossier_patterns = [
    path("", dossier_views.dossier_list, name="dossier_list"),
    path("tiep-nhan/", dossier_views.dossier_receive, name="dossier_receive"),
    path(
        "tiep-nhan/thu-tuc/",
        dossier_views.dossier_receive_matches,
        name="dossier_receive_matches",
    ),
    path("cho-xu-ly/", dossier_views.dossier_queue, name="dossier_queue"),
    path("so-theo-doi/", dossier_views.tracking_book, name="tracking_book"),
    path("nhap-tep/", dossier_views.dossier_import, name="dossier_import"),
    path("nhap-tep/<int:pk>/", dossier_views.import_job, name="import_job"),
    path(
        "nhap-tep/<int:pk>/tien-do/", dossier_views.import_job_progress, name="import_job_progress"
    ),
    path("tu-choi-tiep-nhan/", dossier_views.turned_away, name="turned_away"),
    path("tu-choi-tiep-nhan/xlsx/", dossier_views.turned_away_export, name="turned_away_export"),
    path("<str:code>/", dossier_views.dossier_detail, name="dossier_detail"),
    path("<str:code>/in/<slug:kind>/", dossier_views.dossier_form_pdf, name="dossier_pdf"),
    path("<str:code>/ban-quet/", dossier_views.dossier_scan, name="dossier_scan"),
    path(
        "<str:code>/giay-to/<int:order>/ban-quet/",
        dossier_views.dossier_document_scan,
        name="dossier_document_scan",
    ),
    path("<str:code>/xin-loi/", dossier_views.dossier_apology_draft, name="dossier_apology_draft"),
    path(
        "<str:code>/xin-loi/sua/", dossier_views.dossier_apology_edit, name="dossier_apology_edit"
    ),
    path(
        "<str:code>/xin-loi/rut/",
        dossier_views.dossier_apology_withdraw,
        name="dossier_apology_withdraw",
    ),
    path(
        "<str:code>/xin-loi/phe-duyet/",
        dossier_views.dossier_apology_approve,
        name="dossier_apology_approve",
    ),
    path("<str:code>/<slug:action>/", dossier_views.dossier_action, name="dossier_action"),
]

urlpatterns = [
    path("quy-trinh/", include(procedure_patterns)),
    path("ho-so/", include(dossier_patterns)),
]
