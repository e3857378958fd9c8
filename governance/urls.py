from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("rui-ro/", views.risks, name="risks"),
    path("rui-ro/them/", views.risk_create, name="risk_create"),
    path("rui-ro/<int:pk>/", views.risk_detail, name="risk_detail"),
    path("rui-ro/<int:pk>/sua/", views.risk_update, name="risk_update"),
    path("rui-ro/<int:pk>/hanh-dong/", views.risk_action_add, name="risk_action_add"),
    path("rui-ro/hanh-dong/<int:pk>/xong/", views.risk_action_done, name="risk_action_done"),
    path("dao-tao/", views.training, name="training"),
    path("dao-tao/them/", views.training_create, name="training_create"),
    path("dao-tao/<int:pk>/", views.training_person, name="training_person"),
    path("luu-tru/", views.retention_schedule, name="retention"),
    path("luu-tru/<int:pk>/sua/", views.retention_rule_update, name="retention_rule_update"),
    path("luu-tru/huy/", views.disposal_propose, name="disposal_propose"),
    path("luu-tru/huy/<int:pk>/", views.disposal_detail, name="disposal_detail"),
    path("luu-tru/huy/<int:pk>/phe-duyet/", views.disposal_approve, name="disposal_approve"),
    path("luu-tru/huy/<int:pk>/thuc-hien/", views.disposal_execute, name="disposal_execute"),
    path("ban-chi-dao/", views.steering, name="steering"),
    path("ban-chi-dao/them/", views.steering_create, name="steering_create"),
    path("ban-chi-dao/<int:pk>/", views.steering_detail, name="steering_detail"),
    path("ban-chi-dao/<int:pk>/ky/", views.steering_approve, name="steering_approve"),
]
