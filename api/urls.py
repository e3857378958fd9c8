from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from api import views

app_name = "api"

# The schema and its page describe the API, not its records: open to anyone.
OPEN = {"authentication_classes": [], "permission_classes": [AllowAny], "throttle_classes": []}

urlpatterns = [
    path("ho-so/", views.DossierList.as_view(), name="dossiers"),
    path("ho-so/<str:code>/", views.DossierDetail.as_view(), name="dossier"),
    *(
        path(
            f"ho-so/<str:code>/{slug}/",
            views.action_view(action, summary).as_view(),
            name=f"dossier_{action}",
        )
        for slug, action, summary in views.API_ACTIONS
    ),
    path("quy-trinh/", views.ProcedureList.as_view(), name="procedures"),
    path("quy-trinh/<str:code>/", views.ProcedureDetail.as_view(), name="procedure"),
    path("chi-so/", views.Kpis.as_view(), name="kpis"),
    path("schema/", SpectacularAPIView.as_view(**OPEN), name="schema"),
    path(
        "tai-lieu/", SpectacularSwaggerSplitView.as_view(url_name="api:schema", **OPEN), name="docs"
    ),
]
