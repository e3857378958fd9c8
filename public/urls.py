from django.urls import path

from public import views

app_name = "public"
urlpatterns = [
    path("tra-cuu/<str:code>/<str:token>/", views.status, name="status"),
]
