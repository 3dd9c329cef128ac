"""Case plan: the client's long-term goals, with housing always among them, and SMART
objectives each saying what is needed, who provides it, who does what and by when; signed by
everyone who is part of it and reviewed at least every 30 days (seed 000 "Comprehensive Case
Plan"; 001 individual development plans; 002 plan development; 004 Individual Support Plan)."""

from datetime import date, timedelta

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import Optional, ValidationError

from .. import clock
from ..formatting import long_date
from ..i18n import N_
from .base import NOT_CHOSEN, BaseForm, Missing, Rows, Text, choices, multiline, strip
from .registry import FormType, People, Person, SignerRole, SignerSpec, register

CLIENT = SignerRole("client", N_("Client"), staff=False)
OTHER = SignerRole("other", N_("Other person in the plan"), staff=False)
CASE_MANAGER = SignerRole("case_manager", N_("Case manager"), staff=True)
REVIEW_DAYS = 30  # the longest a plan may go without review (seed 000); agencies may go shorter

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
# What each objective must say (004 ISP; seed 000 plan contents), in the order staff fill it.
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


class ObjectiveForm(Form):
    area = SelectField(
        _l("Goal area"), choices=[NOT_CHOSEN, *choices(GOAL_AREAS)], validators=[Optional()]
    )
    objective = TextAreaField(
        _l("Objective: specific, measurable, with a time frame"),
        [Text(500, multiline=True)],
        filters=[strip],
    )
    services = TextAreaField(
        _l("Services and resources needed"), [Text(500, multiline=True)], filters=[strip]
    )
    provider = StringField(_l("Who provides them"), [Text(200)], filters=[strip])
    case_manager_tasks = TextAreaField(
        _l("Case manager will"), [Text(500, multiline=True)], filters=[strip]
    )
    client_tasks = TextAreaField(_l("Client will"), [Text(500, multiline=True)], filters=[strip])
    owner = StringField(_l("Who owns this objective"), [Text(100)], filters=[strip])
    target_date = DateField(_l("Target date"), validators=[Optional()])


class PlanPersonForm(Form):
    name = StringField(_l("Name"), [Text(200)], filters=[strip])
    role = StringField(_l("Their part in the plan"), [Text(200)], filters=[strip])


class CasePlanForm(BaseForm):
    plan_date = DateField(_l("Date of this plan"), validators=[Optional()])
    next_review_date = DateField(_l("Next review by"), validators=[Optional()])
    changes = TextAreaField(
        _l("What changed since the last plan (for a review or update)"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    housing_goal = TextAreaField(
        _l("Housing goal (always part of the plan)"), [Text(1000, multiline=True)], filters=[strip]
    )
    other_goals = TextAreaField(
        _l("Other long-term goals (one per line)"), [Text(2000, multiline=True)], filters=[strip]
    )
    strengths = TextAreaField(
        _l("Strengths and resources the plan builds on"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    objectives = Rows(
        FormField(ObjectiveForm),
        _l("Objectives (SMART)"),
        limit=12,
        row_label=_l("Objective"),
    )
    formal_supports = TextAreaField(
        _l("Formal supports (agencies, programs, professionals)"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    informal_supports = TextAreaField(
        _l("Informal supports (family, friends, community)"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    skills = TextAreaField(
        _l("Skills the client will learn"), [Text(2000, multiline=True)], filters=[strip]
    )
    services_start = DateField(_l("Services start"), validators=[Optional()])
    services_end = DateField(_l("Services end (expected)"), validators=[Optional()])
    contact_schedule = TextAreaField(
        _l("Schedule of contacts (who meets, how often, where)"),
        [Text(1000, multiline=True)],
        filters=[strip],
    )
    if_agreement_broken = TextAreaField(
        _l("What happens if someone does not do their part"),
        [Text(2000, multiline=True)],
        filters=[strip],
    )
    other_signers = Rows(
        FormField(PlanPersonForm),
        _l("Other people who are part of this plan (they sign too)"),
        limit=6,
        row_label=_l("Person"),
        spare=1,
    )

    def validate_services_end(self, field):
        if field.data and self.services_start.data and field.data < self.services_start.data:
            raise ValidationError(gettext("Services cannot end before they start."))


def latest_review(data: dict) -> date | None:
    """The latest date the next review may be set to."""
    if not data.get("plan_date"):
        return None
    return date.fromisoformat(data["plan_date"]) + timedelta(days=REVIEW_DAYS)


def missing_elements(data: dict) -> dict[str, list[str]]:
    """Every element of a comprehensive case plan (seed 000), housing always among the goals,
    each objective complete (004), and the next review at most 30 days away."""
    missing = Missing()
    missing.require(data, "plan_date", gettext("Give the date of this plan."))
    missing.require(data, "next_review_date", gettext("Give the date of the next review."))
    latest = latest_review(data)
    if (
        latest
        and data.get("next_review_date")
        and date.fromisoformat(data["next_review_date"]) > latest
    ):
        missing.add(
            "next_review_date",
            gettext(
                "Review the plan at least every %(days)s days: by %(date)s at the latest.",
                days=REVIEW_DAYS,
                date=long_date(latest),
            ),
        )
    missing.require(data, "housing_goal", gettext("Housing is always one of the goals: state it."))
    missing.require(
        data, "strengths", gettext("Name the strengths and resources the plan builds on.")
    )
    objectives = data.get("objectives") or []
    if not objectives:
        missing.add("objectives", gettext("Give at least one objective."))
    elif not any(o.get("area") == "housing" for o in objectives):
        missing.add("objectives", gettext("Give at least one objective toward the housing goal."))
    for number, objective in enumerate(objectives, 1):
        blanks = [gettext(part) for key, part in OBJECTIVE_PARTS.items() if not objective.get(key)]
        if blanks:
            missing.add(
                "objectives",
                gettext(
                    "Objective %(number)s: give %(parts)s.", number=number, parts=", ".join(blanks)
                ),
            )
    missing.require(data, "formal_supports", gettext("Name the formal supports."))
    missing.require(
        data, "informal_supports", gettext("Name the informal supports (or how to build them).")
    )
    missing.require(data, "skills", gettext("Name the skills the client will learn."))
    missing.require(data, "services_start", gettext("Give the date services start."))
    missing.require(data, "services_end", gettext("Give the date services are expected to end."))
    missing.require(data, "contact_schedule", gettext("Give the schedule of contacts."))
    missing.require(
        data, "if_agreement_broken", gettext("Say what happens if someone does not do their part.")
    )
    for number, person in enumerate(data.get("other_signers") or [], 1):
        if not person.get("name") or not person.get("role"):
            missing.add(
                "other_signers",
                gettext("Person %(number)s: give their name and part in the plan.", number=number),
            )
    return missing


def _area(key: str) -> str:
    area = GOAL_AREAS[key]
    return gettext(area)


def context(data: dict, common: dict) -> dict:
    return {
        "plan": {
            "plan_date": long_date(data["plan_date"]),
            "next_review_date": long_date(data["next_review_date"]),
            "changes": multiline(data.get("changes")),
            "housing_goal": multiline(data["housing_goal"]),
            "other_goals": (data.get("other_goals") or "").splitlines(),
            "strengths": multiline(data["strengths"]),
            "objectives": [
                {
                    "area": _area(o["area"]),
                    "objective": multiline(o["objective"]),
                    "services": multiline(o["services"]),
                    "provider": o["provider"],
                    "case_manager_tasks": multiline(o["case_manager_tasks"]),
                    "client_tasks": multiline(o["client_tasks"]),
                    "owner": o["owner"],
                    "target_date": long_date(o["target_date"]),
                }
                for o in data["objectives"]
            ],
            "formal_supports": multiline(data["formal_supports"]),
            "informal_supports": multiline(data["informal_supports"]),
            "skills": multiline(data["skills"]),
            "services_start": long_date(data["services_start"]),
            "services_end": long_date(data["services_end"]),
            "contact_schedule": multiline(data["contact_schedule"]),
            "if_agreement_broken": multiline(data["if_agreement_broken"]),
            "other_people": [
                {"name": p["name"], "role": p["role"]} for p in data.get("other_signers") or []
            ],
        }
    }


def signers(data: dict, people: People) -> list[SignerSpec]:
    """The client, then each other person named in the plan (on the tablet), then the case
    manager, who countersigns at their desk."""
    others = [
        SignerSpec(OTHER, Person(p["name"]), p["role"]) for p in data.get("other_signers") or []
    ]
    return [
        SignerSpec(CLIENT, people.client, CLIENT.label),
        *others,
        SignerSpec(CASE_MANAGER, people.case_manager, CASE_MANAGER.label),
    ]


def example() -> dict:
    today = clock.example_today()

    def later(days: int) -> str:
        return (today + timedelta(days=days)).isoformat()

    return {
        "plan_date": today.isoformat(),
        "next_review_date": later(REVIEW_DAYS),
        "changes": (
            "30-day review. SNAP was approved, so objective 3 now covers the state ID only.\n"
            "Added objective 4 (part-time job)."
        ),
        "housing_goal": (
            "Move into a one-bedroom apartment I can afford, in the city, by spring, and keep it."
        ),
        "other_goals": "Steady income from a part-time job\nKeep my diabetes under control",
        "strengths": (
            "Eight years of work in food service. Keeps appointments. Her sister helps with "
            "childcare. Strongly wants a home for herself and her son."
        ),
        "objectives": [
            {
                "area": "housing",
                "objective": "Complete the Coordinated Entry housing assessment.",
                "services": "Coordinated Entry assessment; referral to rapid re-housing",
                "provider": "Coordinated Entry (Front Door)",
                "case_manager_tasks": "Book the assessment, go with Maria, send the referral",
                "client_tasks": "Bring ID and income papers; go to the assessment",
                "owner": "Maria",
                "target_date": later(14),
            },
            {
                "area": "housing",
                "objective": "Visit at least 3 apartments and send 2 rental applications.",
                "services": "Housing search help; application fees paid by the program",
                "provider": "Gateway Housing Services housing navigator",
                "case_manager_tasks": "Share listings every week; pay application fees",
                "client_tasks": "Visit apartments; fill in the applications",
                "owner": "Maria and the housing navigator",
                "target_date": later(60),
            },
            {
                "area": "legal",
                "objective": "Get a Missouri state ID card.",
                "services": "ID voucher; copy of birth certificate",
                "provider": "Gateway Housing Services; Missouri license office",
                "case_manager_tasks": "Give the ID voucher and a bus pass",
                "client_tasks": "Order the birth certificate; go to the license office",
                "owner": "Maria",
                "target_date": later(21),
            },
            {
                "area": "work",
                "objective": "Get a part-time job of at least 20 hours a week.",
                "services": "Job readiness class; help with a résumé",
                "provider": "St. Louis Job Center",
                "case_manager_tasks": "Refer to the class; give bus passes",
                "client_tasks": "Go to 4 classes; apply for 5 jobs each week",
                "owner": "Maria",
                "target_date": later(90),
            },
        ],
        "formal_supports": (
            "Gateway Housing Services case management; Coordinated Entry; "
            "Family Health Center (diabetes care); SNAP"
        ),
        "informal_supports": (
            "Sister, Ana Lopez (childcare and rides); friend and neighbor Teresa; "
            "church food pantry"
        ),
        "skills": (
            "Making and keeping a monthly budget\n"
            "Understanding a lease and talking with a landlord\n"
            "Using the bus system to get to work"
        ),
        "services_start": later(-30),
        "services_end": later(180),
        "contact_schedule": (
            "Maria and her case manager meet every Tuesday at 10 am at the office. "
            "After move-in, a home visit once a month. Ana joins one meeting a month."
        ),
        "if_agreement_broken": (
            "If Maria misses two meetings in a row, her case manager calls her to set a new "
            "time. If there is no contact for 30 days, we hold a case conference with Maria "
            "before any change to her services.\n"
            "If the case manager cannot do a task on time, they tell Maria and set a new date "
            "with her.\n"
            "Anyone in the plan can ask to change it at any time."
        ),
        "other_signers": [{"name": "Ana Lopez", "role": "Sister, informal support"}],
    }


def summary(data: dict) -> str:
    review = long_date(data.get("next_review_date")) or gettext("(not set yet)")
    return gettext("review by %(date)s", date=review)


register(
    FormType(
        name="case_plan",
        title=N_("Case Plan"),
        prefix="CP",
        form_class=CasePlanForm,
        signer_roles=(CLIENT, OTHER, CASE_MANAGER),
        missing_elements=missing_elements,
        context=context,
        signers=signers,
        example=example,
        page_template="forms/case_plan.html",
        page_context=lambda data: {"goal_areas": GOAL_AREAS},
        summary=summary,
    )
)
