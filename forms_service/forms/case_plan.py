"""Case plan: the client's long-term goals, with housing always among them, and SMART
objectives each saying what is needed, who provides it, who does what and by when; signed by
everyone who is part of it and reviewed at least every 30 days (Comprehensive Case Plan in the
CoC's written standards; individual development and support plans)."""

from datetime import date, timedelta

from flask_babel import gettext

from ..formatting import long_date
from ..i18n import N_
from . import fields as f
from .registry import People, Person, SignerRole, SignerSpec
from .spec import FormSpec, Section, registered

CLIENT = SignerRole("client", N_("Client"), staff=False)
OTHER = SignerRole("other", N_("Other person in the plan"), staff=False)
CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)
REVIEW_DAYS = 30  # the longest a plan may go without review; agencies may go shorter

GOAL_AREAS = {
    "housing": N_("Housing"),
    "income": N_("Income and benefits"),
    "work": N_("Work and education"),
    "health": N_("Physical health"),
    "mental_health": N_("Mental health"),
    "substance_use": N_("Alcohol or drug use"),
    "daily_living": N_("Daily living and money"),
    "family": N_("Family and relationships"),
    "legal": N_("Legal matters and documents"),
    "other": N_("Other"),
}
# What each objective must say (an Individual Support Plan's parts), in the order staff fill it.
OBJECTIVE_PARTS = {
    "area": N_("the goal area"),
    "objective": N_("the objective"),
    "services": N_("the services and resources"),
    "provider": N_("who provides them"),
    "case_manager_tasks": N_("the case manager's tasks"),
    "client_tasks": N_("the client's tasks"),
    "owner": N_("who owns it"),
    "target_date": N_("the target date"),
}


def latest_review(data: dict) -> date | None:
    """The latest date the next review may be set to."""
    if not data.get("plan_date"):
        return None
    return date.fromisoformat(data["plan_date"]) + timedelta(days=REVIEW_DAYS)


def _objectives_rule(data: dict):
    """At least one objective toward housing, and every objective complete."""
    objectives = data.get("objectives") or []
    if objectives and not any(o.get("area") == "housing" for o in objectives):
        yield "objectives", gettext("Give at least one objective toward the housing goal.")
    for number, objective in enumerate(objectives, 1):
        blanks = [gettext(part) for key, part in OBJECTIVE_PARTS.items() if not objective.get(key)]
        if blanks:
            yield (
                "objectives",
                gettext(
                    "Objective %(number)s: give %(parts)s.", number=number, parts=", ".join(blanks)
                ),
            )


@registered
class CasePlan(FormSpec):
    name = "case_plan"
    title = N_("Case Plan")
    prefix = "CP"
    printed_as = "plan"
    is_plan = True
    release_category = "case_plan"
    signer_roles = (CLIENT, OTHER, CASE_MANAGER)
    sections = (
        Section(
            N_("This plan"),
            {
                "plan_date": f.Date(
                    N_("Date of this plan"),
                    required=N_("Give the date of this plan."),
                    example=f.days_from_today(0),
                ),
                "next_review_date": f.Date(
                    N_("Next review by"),
                    required=N_("Give the date of the next review."),
                    example=f.days_from_today(REVIEW_DAYS),
                ),
                "changes": f.LongText(
                    N_("What changed since the last plan (for a review or update)"),
                    2000,
                    example=(
                        "30-day review. SNAP was approved, so objective 3 "
                        "now covers the state ID only.\n"
                        "Added objective 4 (part-time job)."
                    ),
                ),
            },
            hint=N_(
                "Each review or update is a new signed plan that replaces the last one. Review "
                "at least every 30 days."
            ),
        ),
        Section(
            N_("Long-term goals"),
            {
                "housing_goal": f.LongText(
                    N_("Housing goal (always part of the plan)"),
                    required=N_("Housing is always one of the goals: state it."),
                    example=(
                        "Move into a one-bedroom apartment I can afford, in "
                        "the city, by spring, and keep it."
                    ),
                ),
                "other_goals": f.LongText(
                    N_("Other long-term goals (one per line)"),
                    2000,
                    example="Steady income from a part-time job\nKeep my diabetes under control",
                ),
                "strengths": f.LongText(
                    N_("Strengths and resources the plan builds on"),
                    2000,
                    required=N_("Name the strengths and resources the plan builds on."),
                    example=(
                        "Eight years of work in food service. Keeps "
                        "appointments. Her sister helps with "
                        "childcare. Strongly wants a home for herself and her son."
                    ),
                ),
            },
            hint=N_("Written with the client, in their words. Housing is always one of the goals."),
        ),
        Section(
            "",
            {
                "objectives": f.Rows(
                    N_("Objectives (SMART)"),
                    required=N_("Give at least one objective."),
                    hint=N_(
                        "Specific, measurable, achievable, realistic, time-framed and "
                        "strength-based. At least one toward housing."
                    ),
                    limit=12,
                    row_label=N_("Objective"),
                    fields={
                        "area": f.Select(N_("Goal area"), options=GOAL_AREAS, print_label=True),
                        "objective": f.LongText(
                            N_("Objective: specific, measurable, with a time frame"), 500
                        ),
                        "services": f.LongText(N_("Services and resources needed"), 500),
                        "provider": f.Text(N_("Who provides them")),
                        "case_manager_tasks": f.LongText(N_("Case manager will"), 500),
                        "client_tasks": f.LongText(N_("Client will"), 500),
                        "owner": f.Text(N_("Who owns this objective"), 100),
                        "target_date": f.Date(N_("Target date")),
                    },
                    example=[
                        {
                            "area": "housing",
                            "objective": "Complete the Coordinated Entry housing assessment.",
                            "services": (
                                "Coordinated Entry assessment; referral to rapid re-housing"
                            ),
                            "provider": "Coordinated Entry (Front Door)",
                            "case_manager_tasks": (
                                "Book the assessment, go with Maria, send the referral"
                            ),
                            "client_tasks": "Bring ID and income papers; go to the assessment",
                            "owner": "Maria",
                            "target_date": f.days_from_today(14),
                        },
                        {
                            "area": "housing",
                            "objective": (
                                "Visit at least 3 apartments and send 2 rental applications."
                            ),
                            "services": "Housing search help; application fees paid by the program",
                            "provider": "Gateway Housing Services housing navigator",
                            "case_manager_tasks": "Share listings every week; pay application fees",
                            "client_tasks": "Visit apartments; fill in the applications",
                            "owner": "Maria and the housing navigator",
                            "target_date": f.days_from_today(60),
                        },
                        {
                            "area": "legal",
                            "objective": "Get a Missouri state ID card.",
                            "services": "ID voucher; copy of birth certificate",
                            "provider": "Gateway Housing Services; Missouri license office",
                            "case_manager_tasks": "Give the ID voucher and a bus pass",
                            "client_tasks": "Order the birth certificate; go to the license office",
                            "owner": "Maria",
                            "target_date": f.days_from_today(21),
                        },
                        {
                            "area": "work",
                            "objective": "Get a part-time job of at least 20 hours a week.",
                            "services": "Job readiness class; help with a résumé",
                            "provider": "St. Louis Job Center",
                            "case_manager_tasks": "Refer to the class; give bus passes",
                            "client_tasks": "Go to 4 classes; apply for 5 jobs each week",
                            "owner": "Maria",
                            "target_date": f.days_from_today(90),
                        },
                    ],
                ),
            },
        ),
        Section(
            N_("Supports and skills"),
            {
                "formal_supports": f.LongText(
                    N_("Formal supports (agencies, programs, professionals)"),
                    2000,
                    required=N_("Name the formal supports."),
                    example=(
                        "Gateway Housing Services case management; Coordinated Entry; "
                        "Family Health Center (diabetes care); SNAP"
                    ),
                ),
                "informal_supports": f.LongText(
                    N_("Informal supports (family, friends, community)"),
                    2000,
                    required=N_("Name the informal supports (or how to build them)."),
                    example=(
                        "Sister, Ana Lopez (childcare and rides); friend and neighbor Teresa; "
                        "church food pantry"
                    ),
                ),
                "skills": f.LongText(
                    N_("Skills the client will learn"),
                    2000,
                    required=N_("Name the skills the client will learn."),
                    example=(
                        "Making and keeping a monthly budget\n"
                        "Understanding a lease and talking with a landlord\n"
                        "Using the bus system to get to work"
                    ),
                ),
            },
        ),
        Section(
            N_("Time frames and contacts"),
            {
                "services_start": f.Date(
                    N_("Services start"),
                    required=N_("Give the date services start."),
                    example=f.days_from_today(-30),
                ),
                "services_end": f.Date(
                    N_("Services end (expected)"),
                    required=N_("Give the date services are expected to end."),
                    example=f.days_from_today(180),
                ),
                "contact_schedule": f.LongText(
                    N_("Schedule of contacts (who meets, how often, where)"),
                    required=N_("Give the schedule of contacts."),
                    example=(
                        "Maria and her case manager meet every Tuesday at 10 am at the office. "
                        "After move-in, a home visit once a month. Ana joins one meeting a month."
                    ),
                ),
                "if_agreement_broken": f.LongText(
                    N_("What happens if someone does not do their part"),
                    2000,
                    required=N_("Say what happens if someone does not do their part."),
                    hint=N_(
                        "For the client and for the agency: what each does if the other does "
                        "not keep their part."
                    ),
                    example=(
                        "If Maria misses two meetings in a row, her case "
                        "manager calls her to set a new "
                        "time. If there is no contact for 30 days, we "
                        "hold a case conference with Maria "
                        "before any change to her services.\n"
                        "If the case manager cannot do a task on time, "
                        "they tell Maria and set a new date "
                        "with her.\n"
                        "Anyone in the plan can ask to change it at any time."
                    ),
                ),
            },
        ),
        Section(
            "",
            {
                "other_signers": f.Rows(
                    N_("Other people who are part of this plan (they sign too)"),
                    hint=N_(
                        "Anyone with a specific part in the plan, e.g. a family member or "
                        "another provider. They sign on the tablet."
                    ),
                    limit=6,
                    row_label=N_("Person"),
                    spare=1,
                    printed_as="other_people",
                    fields={
                        "name": f.Text(N_("Name")),
                        "role": f.Text(N_("Their part in the plan")),
                    },
                    example=[{"name": "Ana Lopez", "role": "Sister, informal support"}],
                ),
            },
        ),
    )

    def rules(self, data: dict):
        """The next review at most 30 days away; objectives toward housing and complete; each
        other person named with their part."""
        latest = latest_review(data)
        due = data.get("next_review_date")
        if latest and due and date.fromisoformat(due) > latest:
            yield (
                "next_review_date",
                gettext(
                    "Review the plan at least every %(days)s days: by %(date)s at the latest.",
                    days=REVIEW_DAYS,
                    date=long_date(latest),
                ),
            )
        yield from _objectives_rule(data)
        for number, person in enumerate(data.get("other_signers") or [], 1):
            if not person.get("name") or not person.get("role"):
                yield (
                    "other_signers",
                    gettext(
                        "Person %(number)s: give their name and part in the plan.", number=number
                    ),
                )

    def checks(self, values: dict):
        start, end = values["services_start"], values["services_end"]
        if start and end and end < start:
            yield "services_end", gettext("Services cannot end before they start.")

    def context(self, data: dict, common: dict) -> dict:
        plan = super().context(data, common)
        plan["plan"]["other_goals"] = (data.get("other_goals") or "").splitlines()
        return plan

    def signers(self, data: dict, people: People) -> list[SignerSpec]:
        """The client, then each other person named in the plan (on the tablet), then the
        case manager, who countersigns at their desk."""
        others = [
            SignerSpec(OTHER, Person(p["name"]), p["role"]) for p in data.get("other_signers") or []
        ]
        return [
            SignerSpec(CLIENT, people.client, CLIENT.label),
            *others,
            SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label),
        ]

    def page_context(self, data: dict) -> dict:
        return {"goal_areas": GOAL_AREAS}

    def summary(self, data: dict) -> str:
        review = long_date(data.get("next_review_date")) or gettext("(not set yet)")
        return gettext("review by %(date)s", date=review)
