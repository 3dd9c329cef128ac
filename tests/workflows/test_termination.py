"""Termination due process: the order of its steps, and the reviewer's independence, which no
one can override (24 CFR 578.91(b); seed 000)."""

from datetime import timedelta

import pytest

from forms_service import clock
from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.cases.service import open_case
from forms_service.errors import InvalidInput, RuleViolation
from forms_service.extensions import db
from forms_service.forms import get_form_type
from forms_service.workflows import termination as terminations
from tests.conftest import PASSWORD


@pytest.fixture
def conference(world):
    return terminations.record_conference(
        world.actor(world.case_manager),
        world.case,
        clock.today(world.agency) - timedelta(days=1),
        "María José Núñez, Sam Okafor, Dana Whitfield",
        "Repeated violence toward staff; extenuating circumstances considered: none found.",
    )


def staff(world, email, role=Role.CASE_MANAGER, supervisor=None):
    return create_user(world.agency, email, email.split("@")[0], role, PASSWORD, supervisor)


def test_a_termination_starts_with_a_recorded_case_conference(world):
    with pytest.raises(InvalidInput) as refused:
        terminations.record_conference(
            world.actor(world.case_manager), world.case, clock.today(world.agency), "", ""
        )
    assert set(refused.value.errors) == {"attendees", "notes"}


def test_reviewer_cannot_be_the_terminator_or_the_approver(world, conference):
    assert conference.terminator_id == world.case_manager.id
    assert conference.approver_id == world.supervisor.id
    assert terminations.reviewer_conflicts(conference, world.case_manager)
    assert terminations.reviewer_conflicts(conference, world.supervisor)


def test_reviewer_cannot_be_terminators_subordinate(world, conference):
    junior = staff(world, "junior@a.example", supervisor=world.case_manager)
    assert "subordinate of Sam Okafor" in " ".join(
        terminations.reviewer_conflicts(conference, junior)
    )


def test_reviewer_cannot_be_approvers_subordinate_at_any_depth(world, conference):
    peer = staff(world, "peer@a.example", supervisor=world.supervisor)
    deeper = staff(world, "deeper@a.example", supervisor=peer)
    assert terminations.reviewer_conflicts(conference, peer)
    assert terminations.reviewer_conflicts(conference, deeper)


def test_reviewer_cannot_be_the_assigned_case_manager_when_someone_else_recorded_the_conference(
    world,
):
    """The case manager signs the notice: they made the decision whoever typed the conference
    in, and nobody who reports to them reviews it either (578.91(b)(3))."""
    colleague = staff(world, "colleague@a.example")
    recorded = terminations.record_conference(
        world.actor(colleague),
        world.case,
        clock.today(world.agency) - timedelta(days=1),
        "María José Núñez, Sam Okafor",
        "Extenuating circumstances considered: none found.",
    )
    junior = staff(world, "junior@a.example", supervisor=world.case_manager)
    assert "Sam Okafor made the termination." in terminations.reviewer_conflicts(
        recorded, world.case_manager
    )
    assert terminations.reviewer_conflicts(recorded, junior)
    eligible = terminations.eligible_reviewers(world.actor(colleague), recorded)
    assert world.case_manager not in eligible and junior not in eligible
    with pytest.raises(RuleViolation, match="Sam Okafor made the termination"):
        terminations.issue_notice(
            world.actor(colleague),
            recorded,
            get_form_type("termination_notice").example(),
            world.case_manager,
        )


def test_someone_outside_both_chains_may_review(world, conference):
    director = staff(world, "director@a.example", role=Role.SUPERVISOR)
    assert terminations.reviewer_conflicts(conference, director) == []
    assert director in terminations.eligible_reviewers(world.actor(world.case_manager), conference)
    assert world.supervisor not in terminations.eligible_reviewers(
        world.actor(world.case_manager), conference
    )


def test_records_staff_and_other_agencies_cannot_review(world, conference):
    assert terminations.reviewer_conflicts(conference, world.records)
    assert terminations.reviewer_conflicts(conference, world.other_case_manager)


def test_not_even_an_admin_can_name_a_conflicted_reviewer(world, conference):
    data = get_form_type("termination_notice").example()
    with pytest.raises(RuleViolation, match="subordinate|made|approved"):
        terminations.issue_notice(world.actor(world.admin), conference, data, world.supervisor)
    assert conference.status == terminations.CONFERENCE and conference.notice_id is None


def test_a_final_decision_before_an_appeal_is_refused(world, conference):
    with pytest.raises(RuleViolation, match="after an appeal"):
        terminations.issue_decision(world.actor(world.admin), conference, {})


def test_an_appeal_needs_a_notice_first(world, conference):
    with pytest.raises(RuleViolation, match="follow a termination notice"):
        terminations.file_appeal(
            world.actor(world.case_manager), conference, {"received_on": clock.today(world.agency)}
        )


@pytest.mark.soffice
def test_a_notice_names_the_reviewer_and_sets_the_appeal_window(world, conference):
    director = staff(world, "director@a.example", role=Role.SUPERVISOR)
    data = get_form_type("termination_notice").example()
    notice = terminations.issue_notice(world.actor(world.case_manager), conference, data, director)
    assert notice.data["reviewer_name"] == director.name
    assert notice.data["case_conference_date"] == conference.conference_on.isoformat()
    assert conference.appeal_deadline == clock.today(world.agency) + timedelta(
        days=world.agency.appeal_days
    )
    assert conference.status == terminations.NOTICE and notice.status == "signing"
    late = conference.appeal_deadline + timedelta(days=1)
    with pytest.raises(RuleViolation, match="appeal window closed"):
        terminations.file_appeal(world.actor(world.case_manager), conference, {"received_on": late})


def test_termination_never_bars_re_enrolment(world, conference):
    world.case.status = "closed"
    db.session.flush()
    again = open_case(
        world.client, world.case_manager, "Rapid Rehousing", clock.today(world.agency)
    )
    assert again.status == "open" and again.client_id == world.client.id


LEASE = {"ends_lease": True, "lease_description": "Lease for unit 3B, signed March 2"}


def test_a_paper_notice_is_issued_and_starts_the_appeal_clock_only_once_its_delivery_is_recorded(
    world, conference
):
    """Ending a lease, it is given on paper (15 U.S.C. 7003(b)(2)(B)); by mail, the appeal
    days the notice printed count from the day it was mailed."""
    director = staff(world, "director@a.example", role=Role.SUPERVISOR)
    data = {**get_form_type("termination_notice").example(), **LEASE}
    actor = world.actor(world.case_manager)
    notice = terminations.issue_notice(actor, conference, data, director)
    assert conference.status == terminations.NOTICE_TO_DELIVER
    assert conference.appeal_deadline is None
    assert terminations.due(conference) is None  # What's due lists the notice itself
    today = clock.today(world.agency)
    with pytest.raises(RuleViolation, match="follow a termination notice"):
        terminations.file_appeal(actor, conference, {"received_on": today})
    terminations.record_notice_delivery(actor, notice, "mail", today, world.case_manager)
    assert conference.status == terminations.NOTICE
    assert conference.appeal_deadline == today + timedelta(days=notice.data["appeal_days"])
