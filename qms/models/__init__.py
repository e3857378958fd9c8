"""The models of `qms`: the ground floor (`core`) and the oversight records
(`oversight`), one app label for both."""

from qms.models.core import (
    ApprovedRecord,
    ApprovedRecordQuerySet,
    CalendarDay,
    CalendarDayManager,
    FormToken,
    Organisation,
    OrganisationIdentity,
    Signature,
    SignatureQuerySet,
    Unit,
    UnitDeletionError,
    UnitQuerySet,
    User,
)
from qms.models.numbering import (
    DocumentKind,
    DocumentNumber,
    DocumentSequence,
    NumberSequence,
    document_number_field,
)
from qms.models.oversight import (
    ManagementReview,
    Objective,
    PeriodicReport,
    PeriodicReportQuerySet,
    Plan,
    PlanTask,
    PlanTaskQuerySet,
    ReviewOutput,
)

__all__ = [
    "ApprovedRecord",
    "ApprovedRecordQuerySet",
    "CalendarDay",
    "CalendarDayManager",
    "DocumentKind",
    "DocumentNumber",
    "DocumentSequence",
    "FormToken",
    "ManagementReview",
    "NumberSequence",
    "Objective",
    "Organisation",
    "OrganisationIdentity",
    "PeriodicReport",
    "PeriodicReportQuerySet",
    "Plan",
    "PlanTask",
    "PlanTaskQuerySet",
    "ReviewOutput",
    "Signature",
    "SignatureQuerySet",
    "Unit",
    "UnitDeletionError",
    "UnitQuerySet",
    "User",
    "document_number_field",
]
