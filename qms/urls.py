from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from qms import views

qms_patterns = [
    path("", views.home, name="home"),
    path("lich-lam-viec/", views.calendar, name="calendar"),
    path("lich-lam-viec/them/", views.calendar_day_create, name="calendar_day_create"),
    path("lich-lam-viec/<int:pk>/", views.calendar_day_update, name="calendar_day_update"),
    path("lich-lam-viec/<int:pk>/xoa/", views.calendar_day_delete, name="calendar_day_delete"),
    path("tinh-han/", views.due_date, name="due_date"),
]

urlpatterns = [
    path("", include((qms_patterns, "qms"))),
    path("", include("procedures.urls")),
    path("danh-gia/", include("audits.urls")),
    path("khong-phu-hop/", include("nonconformities.urls")),
    path("dang-nhap/", auth_views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("doi-mat-khau/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "doi-mat-khau/xong/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("quan-tri/", admin.site.urls),
]
