from django.urls import path

from public import feedback_views, views

app_name = "public"
urlpatterns = [
    path("tra-cuu/", views.lookup, name="lookup"),
    # before the status page's pattern, which these addresses would match
    path("tra-cuu/kiosk/", views.kiosk, name="kiosk"),
    path("tra-cuu/kiosk/danh-gia/", views.kiosk_rate, name="kiosk_rate"),
    path("tra-cuu/<str:code>/<str:token>/", views.status, name="status"),
    path(
        "tra-cuu/<str:code>/<str:token>/gop-y/",
        feedback_views.dossier_feedback,
        name="dossier_feedback",
    ),
    path("gop-y/", feedback_views.feedback, name="feedback"),
    path(
        "gop-y/<str:reference>/<str:token>/",
        feedback_views.feedback_status,
        name="feedback_status",
    ),
    path(
        "gop-y/<str:reference>/<str:token>/da-nhan/",
        feedback_views.feedback_received,
        name="feedback_received",
    ),
    path("tra-cuu/<str:code>/<str:token>/danh-gia/", views.rate, name="rate"),
]
