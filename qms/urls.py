from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from qms import views
from qms.filters import year_in
from qms.oversight import views as oversight


class YearConverter:
    """A year of `qms.filters.YEARS`; any other is a 404, not a 500."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        year = year_in(value)
        if year is None:
            raise ValueError(value)  # no match: 404
        return year

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(YearConverter, "year")

qms_patterns = [
    path("", oversight.home, name="home"),
    path("lich-lam-viec/", views.calendar, name="calendar"),
    path("lich-lam-viec/them/", views.calendar_day_create, name="calendar_day_create"),
    path("lich-lam-viec/<int:pk>/", views.calendar_day_update, name="calendar_day_update"),
    path("lich-lam-viec/<int:pk>/xoa/", views.calendar_day_delete, name="calendar_day_delete"),
    path("tinh-han/", views.due_date, name="due_date"),
    path("co-quan-ban-hanh/", views.identities, name="identities"),
    path("co-quan-ban-hanh/them/", views.identity_create, name="identity_create"),
    path("co-quan-ban-hanh/<int:pk>/", views.identity_update, name="identity_update"),
    path("bang-dieu-khien/", oversight.dashboard, name="dashboard"),
    path("muc-tieu/<year:year>/", oversight.objectives, name="objectives"),
    path(
        "muc-tieu/phe-duyet/<int:pk>/",
        oversight.objective_approve,
        name="objective_approve",
    ),
    path("ke-hoach/", oversight.plan_tasks, name="plan_tasks"),
    path("xem-xet/", oversight.review_list, name="reviews"),
    path("xem-xet/them/", oversight.review_create, name="review_create"),
    path("xem-xet/<int:pk>/", oversight.review_detail, name="review_detail"),
    path("xem-xet/<int:pk>/sua/", oversight.review_update, name="review_update"),
    path("xem-xet/<int:pk>/dau-ra/", oversight.review_output_add, name="review_output_add"),
    path("xem-xet/<int:pk>/ky/", oversight.review_sign, name="review_sign"),
    path("xem-xet/<int:pk>/pdf/", oversight.review_pdf, name="review_pdf"),
    path(
        "xem-xet/dau-ra/<int:pk>/xong/",
        oversight.review_output_done,
        name="review_output_done",
    ),
    path("bao-cao/", oversight.report_list, name="reports"),
    path(
        "bao-cao/<slug:kind>/<year:year>/<slug:period>/",
        oversight.report_detail,
        name="report_detail",
    ),
    path(
        "bao-cao/<slug:kind>/<year:year>/<slug:period>/<slug:fmt>/",
        oversight.report_export,
        name="report_export",
    ),
]

urlpatterns = [
    path("", include((qms_patterns, "qms"))),
    path("", include("procedures.urls")),
    path("danh-gia/", include("audits.urls")),
    path("khong-phu-hop/", include("nonconformities.urls")),
    path("tai-lieu-iso/", include("isodocs.urls")),
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "doi-mat-khau/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("quan-tri/", admin.site.urls),
    path("api/v1/", include("api.urls")),
    path("", include("public.urls")),
    path("", include("notices.urls")),
    path("he-thong-iso/", include("governance.urls")),
]
