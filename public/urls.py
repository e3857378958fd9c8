from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
    # before the status page's pattern, which these addresses would match
    path("tra-cuu/kiosk/", views.kiosk, name="kiosk"),
    path("tra-cuu/kiosk/danh-gia/", views.kiosk_rate, name="kiosk_rate"),
    path("tra-cuu/<str:code>/<str:token>/", views.status, name="status"),
    path("tra-cuu/<str:code>/<str:token>/danh-gia/", views.rate, name="rate"),
]
