"""The HMIS CSV files this service writes, column by column, in the order HUD's HMIS CSV
Format Specifications give them. FY2026 kept Exit.csv (3.12 Destination and 3.12.A) and
Export.csv as FY2024 had them: it changed only SourceID's length (S32 to S350) and the lists of
Exit.csv's RHY counseling and aftercare columns, which this service leaves empty. A column set
is named by the specifications' year, so a later change is a new entry here, never an edit of
one in place."""

_EXIT = (
    *("ExitID", "EnrollmentID", "PersonalID", "ExitDate", "Destination"),
    *("DestinationSubsidyType", "OtherDestination", "HousingAssessment", "SubsidyInformation"),
    *("ProjectCompletionStatus", "EarlyExitReason", "ExchangeForSex"),
    *("ExchangeForSexPastThreeMonths", "CountOfExchangeForSex", "AskedOrForcedToExchangeForSex"),
    "AskedOrForcedToExchangeForSexPastThreeMonths",
    *("WorkplaceViolenceThreats", "WorkplacePromiseDifference", "CoercedToContinueWork"),
    *("LaborExploitPastThreeMonths", "CounselingReceived", "IndividualCounseling"),
    *("FamilyCounseling", "GroupCounseling", "SessionCountAtExit", "PostExitCounselingPlan"),
    *("SessionsInPlan", "DestinationSafeClient", "DestinationSafeWorker", "PosAdultConnections"),
    *("PosPeerConnections", "PosCommunityConnections", "AftercareDate", "AftercareProvided"),
    *("EmailSocialMedia", "Telephone", "InPersonIndividual", "InPersonGroup", "CMExitReason"),
    *("DateCreated", "DateUpdated", "UserID", "DateDeleted", "ExportID"),
)
_EXPORT = (
    *("ExportID", "SourceType", "SourceID", "SourceName", "SourceContactFirst"),
    *("SourceContactLast", "SourceContactPhone", "SourceContactExtension", "SourceContactEmail"),
    *("ExportDate", "ExportStartDate", "ExportEndDate", "SoftwareName", "SoftwareVersion"),
    *("CSVVersion", "ExportPeriodType", "ExportDirective", "HashStatus", "ImplementationID"),
)
# Specifications year -> file -> columns.
COLUMNS = {
    "2024": {"Export.csv": _EXPORT, "Exit.csv": _EXIT},
    "2026": {"Export.csv": _EXPORT, "Exit.csv": _EXIT},
}
CSV_VERSIONS = {"2024": "FY2024", "2026": "FY2026"}
