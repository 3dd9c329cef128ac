"""The agency's programs and the grants that fund them, and which grants served each case:
the retention clock of a federally funded record starts at its grant's closeout (24 CFR
578.103(c), 576.500(y)), not at case closure."""

import uuid
from datetime import date
from enum import StrEnum

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..database import CreatedMixin, IdMixin
from ..extensions import db
from ..i18n import N_


class Funder(StrEnum):
    COC = "coc"
    ESG = "esg"
    OTHER = "other"


FUNDER_LABELS = {
    Funder.COC: N_("HUD Continuum of Care (CoC)"),
    Funder.ESG: N_("HUD Emergency Solutions Grants (ESG)"),
    Funder.OTHER: N_("Other funder"),
}


class Grant(IdMixin, CreatedMixin, db.Model):
    """One grant of one program. `closeout_on` is the day all its funds were spent, entered
    when known; until then it is open and no record of a case it served is disposed of."""

    __tablename__ = "program_grant"  # "grant" is an SQL keyword
    __table_args__ = (UniqueConstraint("agency_id", "number"),)

    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agency.id"), index=True)
    program: Mapped[str] = mapped_column(String(200))
    number: Mapped[str] = mapped_column(String(100))  # the funder's name or number for it
    funder: Mapped[str] = mapped_column(String(10))
    starts_on: Mapped[date]
    closeout_on: Mapped[date | None]

    @property
    def label(self) -> str:
        return f"{self.number} ({self.program})"


class CaseGrant(IdMixin, CreatedMixin, db.Model):
    """A grant that served a case. Never removed: a link made in error only keeps records
    longer, and removing one could let them go too early."""

    __tablename__ = "case_grant"
    __table_args__ = (UniqueConstraint("case_id", "grant_id"),)

    case_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("case_file.id"), index=True)
    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("program_grant.id"))
    linked_by_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("user_account.id"))

    grant: Mapped[Grant] = relationship()
