from django.urls import path

from notices import views

app_name = "notices"
urlpatterns = [
    path("thong-bao/", views.undelivered, name="undelivered"),
]
