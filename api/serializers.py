"""What the API answers with, and what it is sent: a body is read by the form of the
page that does the same thing (the receipt, the return), so the checks are one;
`form_serializer` only describes that form in the OpenAPI schema."""

from django import forms
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from procedures.models import Dossier, DossierDocument, Handoff, Procedure, ProcedureRevision

# The OpenAPI type of each kind of form field, most specific first.
FIELD_TYPES = [
    (forms.BooleanField, serializers.BooleanField),
    (forms.IntegerField, serializers.IntegerField),
    (forms.EmailField, serializers.EmailField),
    (forms.DateTimeField, serializers.DateTimeField),
    (forms.DateField, serializers.DateField),
    (forms.FileField, serializers.FileField),
    (forms.ChoiceField, serializers.ChoiceField),
    (forms.CharField, serializers.CharField),
]


def _schema_field(field: forms.Field) -> serializers.Field:
    kind = next(kind for form_kind, kind in FIELD_TYPES if isinstance(field, form_kind))
    options = {
        "required": field.required and field.initial is None,
        "label": str(field.label or ""),
        "help_text": str(field.help_text or "") or None,
    }
    if kind is serializers.ChoiceField:
        options["choices"] = [(value, label) for value, label in field.choices if value != ""]
    if isinstance(field, forms.FileField) and getattr(field.widget, "allow_multiple_selected", 0):
        return serializers.ListField(child=serializers.FileField(), **options)
    return kind(**options)


def form_serializer(form_class: type[forms.Form], name: str) -> type[serializers.Serializer]:
    """A serializer with the fields of `form_class`, for the schema alone."""
    fields = {name: _schema_field(field) for name, field in form_class().fields.items()}
    return type(name, (serializers.Serializer,), fields)


def form_data(form_class: type[forms.Form], request) -> dict:
    """The cleaned data of `form_class` filled with the request's body, a field left
    out taking the value the page's form starts with; its refusal (a Django
    ValidationError by field) is answered 400 by `api.errors`."""
    data = request.data
    data = dict(data.dict() if hasattr(data, "dict") else data)  # multipart: files apart
    for name, field in form_class().fields.items():
        if field.initial is not None:
            data.setdefault(name, field.initial)
    form = form_class(data, request.FILES)
    if not form.is_valid():
        raise forms.ValidationError(form.errors.as_data())
    return form.cleaned_data


class DocumentSerializer(serializers.ModelSerializer):
    class Meta:
        model = DossierDocument
        fields = ["order", "name", "copy_type", "quantity"]


class HandoffSerializer(serializers.ModelSerializer):
    step = serializers.CharField(source="step.name")
    from_user = serializers.CharField(source="from_user.username")
    to_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Handoff
        fields = ["step", "from_user", "to_unit", "to_role", "handed_at", "deadline", "result"]


class DossierSerializer(serializers.ModelSerializer):
    procedure = serializers.SlugRelatedField(slug_field="code", read_only=True)
    current_step = serializers.CharField(source="current_step.name", default=None)
    current_unit = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Dossier
        fields = [
            "code",
            "procedure",
            "rule_set",
            "applicant_name",
            "channel",
            "delivery",
            "status",
            "received_at",
            "due_at",
            "due_date",
            "first_due_date",
            "promised_date",
            "current_step",
            "current_unit",
            "completed_at",
            "outcome",
            "returned_at",
            "digitised",
            "rating",
            "book_year",
            "book_row",
        ]


class ContactSerializer(serializers.Serializer):
    """A citizen's contact as the key's account may see it (`Dossier.contact_for`)."""

    id_number = serializers.CharField()
    phone = serializers.CharField()
    address = serializers.CharField()


class DossierDetailSerializer(DossierSerializer):
    revision = serializers.IntegerField(source="revision.number", default=None)
    applicant_contact = serializers.SerializerMethodField()
    documents = DocumentSerializer(many=True, read_only=True)
    handoffs = HandoffSerializer(many=True, read_only=True)

    class Meta(DossierSerializer.Meta):
        fields = [
            *DossierSerializer.Meta.fields,
            "revision",
            "applicant_contact",
            "reception_reason",
            "supplement_count",
            "documents",
            "handoffs",
        ]

    @extend_schema_field(ContactSerializer)
    def get_applicant_contact(self, dossier: Dossier) -> dict:
        contact = dossier.contact_for(self.context["request"].user)
        return ContactSerializer(contact).data


class RevisionSerializer(serializers.ModelSerializer):
    steps = serializers.SerializerMethodField()
    components = serializers.SerializerMethodField()

    class Meta:
        model = ProcedureRevision
        fields = [
            "number",
            "effective_from",
            "decision_number",
            "decision_date",
            "limit_unit",
            "limit_amount",
            "cutoff",
            "steps",
            "components",
        ]

    def get_steps(self, revision: ProcedureRevision) -> list[dict]:
        return [
            {
                "name": step.name,
                "unit": step.unit.code if step.unit else None,
                "role": step.role,
                "allotment": str(step.allotment),
            }
            for step in revision.steps.select_related("unit")
        ]

    def get_components(self, revision: ProcedureRevision) -> list[dict]:
        return [component.content() for component in revision.components.all()]


class ProcedureSerializer(serializers.ModelSerializer):
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    revision_in_force = serializers.SerializerMethodField()

    class Meta:
        model = Procedure
        fields = ["code", "name", "field", "unit", "in_use", "revision_in_force"]

    @extend_schema_field(RevisionSerializer(allow_null=True))
    def get_revision_in_force(self, procedure: Procedure) -> dict | None:
        revision = procedure.revisions.effective().first()
        return RevisionSerializer(revision).data if revision else None
