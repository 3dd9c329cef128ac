"""What's due: overdue plan reviews reach the case manager and their supervisor, nobody else;
unsigned documents and open grievances are listed."""

from datetime import date, timedelta

from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.workflows.due import plan_review_due, whats_due
from tests.conftest import PASSWORD


def kinds(items, case):
    return {(i.kind, i.overdue) for i in items if i.case.id == case.id}


def test_a_plan_review_is_due_thirty_days_after_the_case_opened(world):
    assert plan_review_due(world.case) == world.case.opened_on + timedelta(days=30)
    world.agency.plan_review_days = 14
    assert plan_review_due(world.case) == world.case.opened_on + timedelta(days=14)


def test_overdue_reviews_reach_the_case_manager_and_supervisor_only(world):
    today = world.case.opened_on + timedelta(days=45)
    assert ("plan", True) in kinds(whats_due(world.actor(world.case_manager), today), world.case)
    assert ("plan", True) in kinds(whats_due(world.actor(world.supervisor), today), world.case)
    stranger = create_user(world.agency, "x@a.example", "Other CM", Role.CASE_MANAGER, PASSWORD)
    assert kinds(whats_due(world.actor(stranger), today), world.case) == set()
    assert kinds(whats_due(world.actor(world.other_case_manager), today), world.case) == set()


def test_a_review_not_yet_due_is_listed_a_week_ahead_not_as_overdue(world):
    review = plan_review_due(world.case)
    items = whats_due(world.actor(world.case_manager), review - timedelta(days=3))
    assert ("plan", False) in kinds(items, world.case)
    assert (
        kinds(whats_due(world.actor(world.case_manager), review - timedelta(days=10)), world.case)
        == set()
    )


def test_unsigned_documents_are_listed(world, consent_document):
    document = consent_document()
    items = whats_due(world.actor(world.case_manager), date.today())
    assert any(i.document is not None and i.document.id == document.id for i in items)
