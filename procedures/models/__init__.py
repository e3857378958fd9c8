"""Controlled procedures (`controlled`) and the dossiers that follow them (`dossiers`)."""

from procedures.models.controlled import (
    ATTACHMENT_EXTENSIONS,
    Acknowledgement,
    Field,
    LimitUnit,
    Procedure,
    ProcedureRevision,
    RevisionRecord,
    RevisionStep,
    decimal_text,
)
from procedures.models.dossiers import (
    Apology,
    Channel,
    Dossier,
    DossierCode,
    DossierSequence,
    Handoff,
    Outcome,
    Rating,
    Reception,
    RuleSet,
    SupplementRequest,
)

__all__ = [
    "ATTACHMENT_EXTENSIONS",
    "Acknowledgement",
    "Apology",
    "Channel",
    "Dossier",
    "DossierCode",
    "DossierSequence",
    "Field",
    "Handoff",
    "LimitUnit",
    "Outcome",
    "Procedure",
    "ProcedureRevision",
    "Rating",
    "Reception",
    "RevisionRecord",
    "RevisionStep",
    "RuleSet",
    "SupplementRequest",
    "decimal_text",
]
