"""/api/v1/: the one-stop desk's dossiers, procedures and KPIs for the province's
system. Each write calls the service its page calls, with the key's account as the
actor, after the checks of the page's own form."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, pagination, status
from rest_framework.response import Response
from rest_framework.views import APIView

from api.serializers import (
    DossierDetailSerializer,
    DossierSerializer,
    ProcedureSerializer,
    form_data,
    form_serializer,
)
from procedures import dossier_services
from procedures.dossier_views import ACTIONS, RECEIVE, VIEW, WORK
from procedures.filters import DossierFilter, ProcedureFilter
from procedures.forms import ReceiveForm
from procedures.models import Dossier, Procedure
from qms.forms import TranslatesErrors
from qms.models import Unit
from qms.oversight import i766
from qms.oversight.kpi import Scope
from qms.paging import keyset_page

VIEW_PROCEDURES = "procedures.view_procedure"
VIEW_KPIS = "qms.view_objective"  # as the dashboard


class ExactReceiveForm(ReceiveForm):
    """The receipt's form with the procedure named exactly, by the ward's code or
    the national code: a system sends what it holds, and a partial match, which an
    officer confirms from a list, would file a mistyped code under another
    procedure."""

    def clean_procedure(self) -> Procedure:
        typed = self.cleaned_data["procedure"].strip()
        procedure = (
            Procedure.objects.filter(in_use=True, revisions__status="effective")
            .filter(Q(code__iexact=typed) | Q(national_code=typed))
            .distinct()
            .first()
        )
        if procedure is None:
            raise forms.ValidationError(
                _("No procedure in use has the code “%(typed)s” (the ward's or the national one).")
                % {"typed": typed}
            )
        return procedure


class KeysetPagination(pagination.BasePagination):
    """The dossier list's pages (`qms.paging.keyset_page`): newest first, `next` is
    the address of the following page, null on the last."""

    page_size = 50

    def paginate_queryset(self, queryset, request, view=None) -> list:
        try:
            self.page = keyset_page(queryset, request.query_params, self.page_size)
        except ValidationError as error:
            raise ValidationError(
                {"after": _("This is not a cursor this list gave: start from the first page.")}
            ) from error
        self.request = request
        return self.page.rows

    def get_paginated_response(self, data) -> Response:
        query = self.page.next_query
        url = self.request.build_absolute_uri(f"{self.request.path}?{query}") if query else None
        return Response({"next": url, "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {"type": "string", "format": "uri", "nullable": True},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": "after",
                "in": "query",
                "required": False,
                "description": str(gettext_lazy("Where the page starts: from the list's next.")),
                "schema": {"type": "string"},
            }
        ]


def _dossier(code: str) -> Dossier:
    return get_object_or_404(
        Dossier.objects.select_related("procedure", "revision", "current_step", "current_unit"),
        code=code,
    )


def _answer(request, code: str, answer_status=status.HTTP_200_OK) -> Response:
    """The dossier as saved, with its documents and hand-overs."""
    data = DossierDetailSerializer(_dossier(code), context={"request": request}).data
    return Response(data, status=answer_status)


ReceiveBody = form_serializer(ExactReceiveForm, "DossierReceive")


class ApiDossierFilter(DossierFilter):
    """The list page's filters, a procedure and a unit named by their codes as the
    API writes them (the page picks them from a list)."""

    procedure = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Procedure"), queryset=Procedure.objects.all(), to_field_name="code"
    )
    unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Unit"),
        field_name="procedure__unit",
        queryset=Unit.objects.all(),
        to_field_name="code",
    )


class DossierList(generics.ListAPIView):
    """Dossiers, newest first, with the list page's filters."""

    required = {"GET": VIEW, "POST": RECEIVE}
    serializer_class = DossierSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiDossierFilter
    pagination_class = KeysetPagination

    def get_queryset(self):
        return Dossier.objects.select_related("procedure", "current_step", "current_unit")

    @extend_schema(request=ReceiveBody, responses={201: DossierDetailSerializer})
    def post(self, request) -> Response:
        """Receive a dossier at the desk, as the receipt page does (rules R1, R3, R8,
        R12, R13): `procedure` is the procedure's code; `documents` one line per
        document, `name; copy type; quantity`, or left out for the procedure's list."""
        data = form_data(ExactReceiveForm, request)
        dossier = dossier_services.dossier_receive(user=request.user, **data)
        return _answer(request, dossier.code, status.HTTP_201_CREATED)


class DossierDetail(APIView):
    required = {"GET": VIEW}

    @extend_schema(responses=DossierDetailSerializer)
    def get(self, request, code: str) -> Response:
        """A dossier with its documents and its control slip's hand-overs."""
        return _answer(request, code)


class DossierAction(APIView):
    """One of the dossier page's actions (`procedures.dossier_views.ACTIONS`): its
    form's checks, then its service."""

    required = {"POST": WORK}
    action = ""

    def post(self, request, code: str) -> Response:
        dossier = _dossier(code)
        form_class, run = ACTIONS[self.action]
        data = form_data(form_class, request) if form_class else {}
        run(dossier, request.user, data)
        return _answer(request, code)


# The actions the province's system records: (URL, action, what it does).
API_ACTIONS = [
    (
        "chuyen-tiep",
        "hand_on",
        gettext_lazy("Finish the current step and hand the dossier to the next one."),
    ),
    ("hoan-thanh", "complete", gettext_lazy("The result is ready (after the last step).")),
    (
        "tra-ket-qua",
        "return",
        gettext_lazy("The result is returned to the citizen, with the rating."),
    ),
]


def action_view(action: str, summary: str) -> type[DossierAction]:
    form_class = ACTIONS[action][0]
    body = form_serializer(form_class, f"Dossier{action.title()}") if form_class else None

    @extend_schema(
        request=body, responses=DossierDetailSerializer, summary=summary, operation_id=action
    )
    def post(self, request, code: str) -> Response:
        return DossierAction.post(self, request, code)

    name = f"Dossier{action.title().replace('_', '')}"
    return type(name, (DossierAction,), {"action": action, "post": post})


class ApiProcedureFilter(ProcedureFilter):
    unit = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Unit"), queryset=Unit.objects.all(), to_field_name="code"
    )


class ProcedureList(generics.ListAPIView):
    """Procedures with their revision in force, filtered as on the list page."""

    required = {"GET": VIEW_PROCEDURES}
    serializer_class = ProcedureSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiProcedureFilter
    queryset = Procedure.objects.select_related("unit").order_by("code")


class ProcedureDetail(generics.RetrieveAPIView):
    required = {"GET": VIEW_PROCEDURES}
    serializer_class = ProcedureSerializer
    queryset = Procedure.objects.select_related("unit")
    lookup_field = "code"


class KpiForm(TranslatesErrors, forms.Form):
    """The period of `manage.py kpi`: `from`, `to`, optionally a unit or a procedure
    by code."""

    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"),
        queryset=Unit.objects.all(),
        to_field_name="code",
        required=False,
    )
    procedure = forms.ModelChoiceField(
        label=gettext_lazy("Procedure"),
        queryset=Procedure.objects.all(),
        to_field_name="code",
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["from"] = forms.DateField(label=gettext_lazy("From date"))
        self.fields["to"] = forms.DateField(label=gettext_lazy("To date"))

    def clean(self):
        data = super().clean()
        if data.get("from") and data.get("to") and data["to"] < data["from"]:
            self.add_error("to", _("The last day cannot be before the first."))
        return data


class Kpis(APIView):
    required = {"GET": VIEW_KPIS}

    @extend_schema(
        parameters=[
            OpenApiParameter("from", OpenApiTypes.DATE, required=True),
            OpenApiParameter("to", OpenApiTypes.DATE, required=True),
            OpenApiParameter("unit", str, description="Unit code"),
            OpenApiParameter("procedure", str, description="Procedure code"),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request) -> Response:
        """The KPIs of a period (R7) and the 766 indicators (R14): the object
        `python manage.py kpi --json` prints."""
        form = KpiForm(request.query_params)
        if not form.is_valid():
            raise forms.ValidationError(form.errors.as_data())
        data = form.cleaned_data
        scope = Scope(data["from"], data["to"], unit=data["unit"], procedure=data["procedure"])
        return Response(i766.period_figures(scope))
