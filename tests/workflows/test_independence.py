"""Reviewer independence (24 CFR 578.91(b)(3)) on every path that names a reviewer: a notice or
final decision written directly, not through the termination workflow, is checked by the same
service before it goes out."""

import pytest

from forms_service.accounts.models import Role
from forms_service.accounts.service import create_user
from forms_service.documents import service as documents
from forms_service.documents.models import DocumentStatus
from forms_service.errors import RuleViolation
from forms_service.forms import get_form_type
from tests.conftest import PASSWORD


def written_directly(world, form_type, **changes):
    data = {**get_form_type(form_type).example(), **changes}
    return documents.start_document(world.actor(world.case_manager), world.case, form_type, data)


def staff(world, email, role=Role.CASE_MANAGER, supervisor=None):
    return create_user(world.agency, email, email.split("@")[0], role, PASSWORD, supervisor)


def test_a_notice_written_directly_cannot_name_the_case_manager_as_reviewer(world):
    """Someone else is named as having made it, yet the case manager signs it as theirs."""
    notice = written_directly(
        world, "termination_notice", reviewer_name="Sam Okafor", terminated_by="Pat Doe"
    )
    with pytest.raises(RuleViolation, match="Sam Okafor made the termination"):
        documents.send_for_signature(world.actor(world.case_manager), notice)
    assert notice.status == DocumentStatus.DRAFT and not notice.signers


def test_a_notice_written_directly_cannot_name_a_subordinate_of_the_approver(world):
    junior = staff(world, "junior@a.example", supervisor=world.supervisor)
    notice = written_directly(world, "termination_notice", reviewer_name=junior.name)
    with pytest.raises(RuleViolation, match="subordinate of Dana Whitfield, who approved it"):
        documents.send_for_signature(world.actor(world.admin), notice)


def test_a_notice_written_directly_may_name_an_independent_reviewer(world):
    director = staff(world, "director@a.example", role=Role.SUPERVISOR)
    notice = written_directly(world, "termination_notice", reviewer_name=director.name)
    documents.send_for_signature(world.actor(world.case_manager), notice)
    assert notice.status == DocumentStatus.SIGNING


def test_a_final_decision_written_directly_is_not_signed_by_the_case_managers_subordinate(world):
    junior = staff(world, "junior@a.example", supervisor=world.case_manager)
    decision = written_directly(
        world, "final_decision", reviewer_name=junior.name, terminated_by="Pat Doe"
    )
    with pytest.raises(RuleViolation, match="subordinate of Sam Okafor, who made it"):
        documents.send_for_signature(world.actor(world.admin), decision, reviewer=junior)
