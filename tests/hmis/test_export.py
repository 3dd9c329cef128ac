"""The HMIS export: Exit.csv rows from signed discharge plans, with Export.csv, in HUD's own
column lists and codes; a plan without the HMIS's ids is left out and named; audited."""

import csv
import io
import re
import zipfile
from datetime import timedelta

import pytest
from sqlalchemy import select

from forms_service import clock
from forms_service.audit.models import AuditEvent
from forms_service.cli import main
from forms_service.documents import service as documents
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.forms.hmis_destinations import BY_CODE, RENTAL_SUBSIDY_TYPES
from forms_service.hmis import service
from forms_service.hmis.columns import COLUMNS
from tests.conftest import ink_payload, login
from tests.pages import open_page

# HUD's HMIS CSV Format Specifications FY2024 (https://files.hudexchange.info/resources/
# documents/HMIS-CSV-Format-Specifications-2024.pdf), as HUD's Data Lab keeps them machine-
# readably: HUD-Data-Lab/DataLab SupplementalTables/CSV_Columns.csv (rows "Exit,…" and
# "Export,…", in file order). Green River's warehouse agrees for FY2024 and FY2026 alike
# (greenriver/hmis-warehouse app/models/concerns/hmis_structure/exit.rb `when '2024', '2026'`,
# export.rb `when '2024'`) but spells WorkPlaceViolenceThreats; HUD spells it
# WorkplaceViolenceThreats since FY2024 (DataLab FY2024_mapping.R renames the column to it).
HUD_EXIT_FY2024 = [
    "ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination", "DestinationSubsidyType",
    "OtherDestination", "HousingAssessment", "SubsidyInformation", "ProjectCompletionStatus",
    "EarlyExitReason", "ExchangeForSex", "ExchangeForSexPastThreeMonths",
    "CountOfExchangeForSex", "AskedOrForcedToExchangeForSex",
    "AskedOrForcedToExchangeForSexPastThreeMonths", "WorkplaceViolenceThreats",
    "WorkplacePromiseDifference", "CoercedToContinueWork", "LaborExploitPastThreeMonths",
    "CounselingReceived", "IndividualCounseling", "FamilyCounseling", "GroupCounseling",
    "SessionCountAtExit", "PostExitCounselingPlan", "SessionsInPlan", "DestinationSafeClient",
    "DestinationSafeWorker", "PosAdultConnections", "PosPeerConnections",
    "PosCommunityConnections", "AftercareDate", "AftercareProvided", "EmailSocialMedia",
    "Telephone", "InPersonIndividual", "InPersonGroup", "CMExitReason", "DateCreated",
    "DateUpdated", "UserID", "DateDeleted", "ExportID",
]  # fmt: skip
HUD_EXPORT_FY2024 = [
    "ExportID", "SourceType", "SourceID", "SourceName", "SourceContactFirst",
    "SourceContactLast", "SourceContactPhone", "SourceContactExtension", "SourceContactEmail",
    "ExportDate", "ExportStartDate", "ExportEndDate", "SoftwareName", "SoftwareVersion",
    "CSVVersion", "ExportPeriodType", "ExportDirective", "HashStatus", "ImplementationID",
]  # fmt: skip
# FY2026 keeps both: HUD's Data Lab makes its FY2026 test files from FY2024 ones
# (HUD-Data-Lab/DataLab FY2026_mapping.R) changing the columns of Client.csv, Enrollment.csv and
# Services.csv only, and Bitfocus's "HUD HMIS CSV/XML Program Data Export: FY 2026 Updates"
# (https://help.bitfocus.com/hud-hmis-csv/xml-program-data-export-fy-2026-updates) names for
# Export.csv only SourceID's length (S32 to S350), for Exit.csv only the lists of R18 and R20.
HUD_FY2024 = {"Exit.csv": HUD_EXIT_FY2024, "Export.csv": HUD_EXPORT_FY2024}
HUD_FY2026 = HUD_FY2024
# 3.12 Destination and 3.12.A Rental subsidy type, the same in FY2024 and FY2026:
# greenriver/hmis-warehouse lib/data/2026_hud_lists.json ("code": "3.12" and "3.12.A") and
# HUD-Data-Lab/DataLab SupplementalTables/DestinationSubsidy.csv. 436 was "Emergency Housing
# Voucher" until HUD renamed it in the FY2024 specifications (greenriver/hmis-warehouse pull
# request 4315, "renamed in 2024 spec").
HUD_DESTINATIONS = {
    116, 101, 118, 215, 206, 207, 225, 204, 205, 302, 329, 314, 332, 312, 313, 327, 422, 423,
    426, 410, 435, 421, 411, 30, 17, 24, 8, 9, 99,
}  # fmt: skip
HUD_SUBSIDY_TYPES = {
    428: "GPD TIP housing subsidy",
    419: "VASH housing subsidy",
    431: "RRH or equivalent subsidy",
    433: "HCV voucher (tenant or project based) (not dedicated)",
    434: "Public housing unit",
    420: "Rental by client, with other ongoing housing subsidy",
    436: "Housing Stability Voucher",
    437: "Family Unification Program Voucher (FUP)",
    438: "Foster Youth to Independence Initiative (FYI)",
    439: "Permanent Supportive Housing",
    440: "Other permanent housing dedicated for formerly homeless persons",
}
# Export.csv's codes, lists 1.9 SourceType, 1.1 ExportPeriodType, 1.2 ExportDirective and 1.5
# HashStatus (greenriver/hmis-warehouse lib/data/2026_hud_lists.json; CSV_Columns.csv's notes):
# a standalone/agency-specific application (so SourceID may stay empty), a reporting period,
# "Other" (neither a delta nor a full refresh), unhashed. SourceContactPhone's pattern is
# CSV_Columns.csv's.
HUD_EXPORT_CODES = {
    "SourceType": "2",
    "ExportPeriodType": "3",
    "ExportDirective": "3",
    "HashStatus": "1",
}
HUD_PHONE = re.compile(r"[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}")


@pytest.mark.parametrize(("version", "hud"), [("2024", HUD_FY2024), ("2026", HUD_FY2026)])
def test_the_files_have_huds_columns_in_huds_order(version, hud):
    assert {name: list(columns) for name, columns in COLUMNS[version].items()} == hud


def test_the_discharge_plan_offers_exactly_huds_destinations_and_subsidy_types():
    assert set(BY_CODE) == HUD_DESTINATIONS
    assert RENTAL_SUBSIDY_TYPES == HUD_SUBSIDY_TYPES


@pytest.mark.parametrize(
    ("entered", "written"),
    [("(314) 555-0175", "3145550175"), ("+1 314-555-0175", "3145550175"), ("555-0175", "")]
    + [("(014) 555-0175", ""), ("314 155 0175", "")],
)
def test_the_contact_phone_is_ten_digits_in_huds_pattern_or_left_empty(entered, written):
    assert service.contact_phone(entered) == written
    assert written == "" or HUD_PHONE.fullmatch(written)


def test_export_csv_codes_are_huds_for_an_agency_database(world):
    made = service.export(world.actor(world.records), *_period(world), "2024")
    (export,) = _rows(made.files["Export.csv"])
    assert {name: export[name] for name in HUD_EXPORT_CODES} == HUD_EXPORT_CODES
    assert export["SourceID"] == "" and export["CSVVersion"] == "FY2024"
    assert export["SoftwareName"] == "forms-service" and export["SoftwareVersion"]
    assert export["ImplementationID"] == world.agency.id.hex
    assert export["SourceContactPhone"] == "3145550100"  # the agency's "(314) 555-0100"


def _plan(world, case=None, **changes):
    """A discharge plan signed by everyone (it is then what the export reads)."""
    case = case or world.case
    actor = world.actor(world.case_manager)
    data = {**get_form_type("discharge_plan").example(), **changes}
    plan = documents.start_document(actor, case, "discharge_plan", data)
    documents.send_for_signature(actor, plan)
    for loops, signer in enumerate(plan.signers, start=2):
        documents.sign(
            actor,
            plan,
            signer,
            ink_payload=ink_payload(loops=loops),
            shown_content_sha256=plan.content_sha256,
            esign_accepted=True,
        )
    db.session.commit()
    return plan


def _ids(world, personal="P-1001", enrollment="E-2001"):
    world.client.hmis_personal_id = personal
    world.case.hmis_enrollment_id = enrollment
    db.session.commit()


def _rows(data: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(data.decode())))


def _period(world):
    today = clock.today(world.agency)
    return today, today + timedelta(days=30)


def test_a_signed_discharge_plan_is_an_exit_row_keyed_by_the_hmis_ids(world):
    _ids(world)
    plan = _plan(world)
    start, end = _period(world)

    made = service.export(world.actor(world.records), start, end, "2026")

    (row,) = _rows(made.files["Exit.csv"])
    assert row["ExitID"] == plan.reference
    assert (row["PersonalID"], row["EnrollmentID"]) == ("P-1001", "E-2001")
    assert row["ExitDate"] == plan.data["exit_date"]
    assert row["Destination"] == "435"
    assert row["DestinationSubsidyType"] == str(plan.data["subsidy_type"])
    assert row["OtherDestination"] == "" and row["DateDeleted"] == ""
    assert row["UserID"] == world.case_manager.id.hex and len(row["UserID"]) <= 32
    assert len(row["DateCreated"]) == len("2026-12-05 09:30:00")
    (export,) = _rows(made.files["Export.csv"])
    assert row["ExportID"] == export["ExportID"] == made.export_id
    assert export["SourceType"] == "2" and export["SourceName"] == world.agency.name
    assert (export["ExportStartDate"], export["ExportEndDate"]) == (str(start), str(end))
    assert export["CSVVersion"] == "FY2026" and export["SourceContactEmail"] == world.records.email


def test_destination_other_carries_its_description_and_no_subsidy_type(world):
    _ids(world)
    _plan(world, destination=17, subsidy_type=None, other_destination="With a cousin abroad")
    made = service.export(world.actor(world.records), *_period(world), "2024")
    (row,) = _rows(made.files["Exit.csv"])
    assert (row["Destination"], row["OtherDestination"]) == ("17", "With a cousin abroad")
    assert row["DestinationSubsidyType"] == ""


def test_a_plan_whose_case_has_no_hmis_ids_is_left_out_and_named(world):
    plan = _plan(world)
    made = service.export(world.actor(world.records), *_period(world), "2026")
    assert _rows(made.files["Exit.csv"]) == []
    (reason,) = made.left_out
    assert plan.reference in reason and "PersonalID / EnrollmentID" in reason


def test_only_exits_in_the_period_and_each_cases_latest_signed_plan(world):
    _ids(world)
    start, end = _period(world)
    _plan(world)
    latest = _plan(world, exit_date=(start + timedelta(days=12)).isoformat())
    outside = _plan(world, exit_date=(end + timedelta(days=1)).isoformat())
    made = service.export(world.actor(world.records), start, end, "2026")
    assert [r["ExitID"] for r in _rows(made.files["Exit.csv"])] == []  # the latest is outside
    assert outside.reference not in made.files["Exit.csv"].decode()
    made = service.export(world.actor(world.records), start, end + timedelta(days=1), "2026")
    assert [r["ExitID"] for r in _rows(made.files["Exit.csv"])] == [outside.reference]
    assert latest.reference not in made.files["Exit.csv"].decode()


def test_the_export_is_audited_with_what_went_out(world):
    _ids(world)
    plan = _plan(world)
    made = service.export(world.actor(world.records), *_period(world), "2026")
    details = db.session.scalar(
        select(AuditEvent.details).where(AuditEvent.action == "hmis.export")
    )
    assert details["export_id"] == made.export_id and details["exits"] == [plan.reference]


def test_a_period_that_ends_before_it_starts_is_named_on_its_field(world):
    start, end = _period(world)
    from forms_service.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        service.export(world.actor(world.records), end, start, "2026")
    assert set(refused.value.errors) == {"end"}


def test_the_command_writes_export_and_exit_csv(app, world, tmp_path):
    _ids(world)
    _plan(world)
    start, end = _period(world)
    result = app.test_cli_runner().invoke(
        main,
        [
            "hmis-export",
            *("--from", str(start), "--to", str(end), "--out", str(tmp_path)),
            *("--as", world.records.email),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "1 exits written" in result.output
    assert len(_rows((tmp_path / "Exit.csv").read_bytes())) == 1
    assert (tmp_path / "Export.csv").read_bytes().startswith(b"ExportID,SourceType,")


def test_records_staff_check_a_period_and_download_the_zip(client, world):
    _ids(world)
    plan = _plan(world)
    start, end = _period(world)
    login(client, world.records)
    page = open_page(client, f"/archive/hmis-export?start={start}&end={end}&version=2026")
    assert "1 exit goes in Exit.csv." in page.html

    response = page.form("/archive/hmis-export").submit()

    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.data)) as archive:
        assert sorted(archive.namelist()) == ["Exit.csv", "Export.csv"]
        assert plan.reference in archive.read("Exit.csv").decode()


@pytest.mark.parametrize("who", ["case_manager", "supervisor"])
def test_only_records_staff_and_admins_export(client, world, who):
    login(client, getattr(world, who))
    assert client.get("/archive/hmis-export").status_code == 403
