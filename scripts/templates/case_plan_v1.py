"""Build the default Word template for ``case_plan`` version 1 (English).

    .venv/bin/python scripts/templates/case_plan_v1.py

Writes ``form_templates/case_plan/1/en.docx`` and its sha256 in the manifest; the look and
the deterministic build are shared (``_docx.py``; read its rules before editing).

The content follows seed 000 ("Content of a Comprehensive Case Plan"), 004 (Individual
Support Plan: objectives with owners and timelines) and 002 (plans made with the person).
See /work/shared/domain/RULES.md.
"""

from __future__ import annotations

import sys

import texts
from _docx import (
    LABEL_FILL,
    NAVY,
    TEXT_W_IN,
    Template,
    cell_text,
    fix_widths,
    intro_box,
    key_value_table,
    main,
    make_table,
    no_split,
    para,
    shade,
    signature_table,
    spacer,
    tag,
    title_block,
    tr_tag,
)
from texts_case_plan import CASE_PLAN

TEMPLATE = Template("case_plan", "Case Plan")
B = {"bold": True}
LABEL_W = 1.9

# One card per objective: (label, value) rows under the objective's own heading rows.
OBJECTIVE_ROWS = (
    ("Services and resources", "{{ o.services }}"),
    ("Provided by", "{{ o.provider }}"),
    ("Case manager will", "{{ o.case_manager_tasks }}"),
    ("Client will", "{{ o.client_tasks }}"),
    ("Who owns it", "{{ o.owner }}"),
    ("Target date", "{{ o.target_date }}"),
)


def objectives_table(doc) -> None:
    """Every objective as a card of rows, all repeated by one ``{%tr for %}`` loop."""
    table = make_table(doc, 0, [LABEL_W, TEXT_W_IN - LABEL_W])
    tr_tag(table, "{%tr for o in plan.objectives %}")
    head = table.add_row()
    no_split(head)
    cell = head.cells[0].merge(head.cells[1])
    shade(cell, LABEL_FILL)
    cell_text(
        cell,
        (
            ("Objective ", {"bold": True, "color": NAVY}),
            ("{{ loop.index }}", {"bold": True, "color": NAVY}),
            (": ", {"bold": True, "color": NAVY}),
            ("{{ o.area }}", {"bold": True, "color": NAVY}),
        ),
        keep_next=True,
    )
    goal = table.add_row()
    no_split(goal)
    cell = goal.cells[0].merge(goal.cells[1])
    cell_text(cell, (("{{ o.objective }}", B),), keep_next=True)
    for label, value in OBJECTIVE_ROWS:
        row = table.add_row()
        no_split(row)
        shade(row.cells[0], LABEL_FILL)
        cell_text(row.cells[0], label, style="Form Label", keep_next=True)
        cell_text(row.cells[1], (value,), keep_next=label != OBJECTIVE_ROWS[-1][0])
    tr_tag(table, "{%tr endfor %}")
    fix_widths(table)


def build_body(doc) -> None:
    title_block(
        doc,
        (
            "Plan date: ",
            "{{ plan.plan_date }}",
            ". Next review by ",
            "{{ plan.next_review_date }}",
            ".",
        ),
    )
    intro_box(
        doc,
        "Your plan",
        (
            "This plan is yours. You made it with your case manager. It says what you want to "
            "reach, the steps to get there, and who does what by when. You can ask to change it "
            "at any time. We will review it together by ",
            ("{{ plan.next_review_date }}", B),
            ".",
        ),
    )

    para(doc, "About you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Your name", "{{ client.full_name }}"),
            ("Case number", "{{ case.number }}"),
            ("Services", ("{{ plan.services_start }}", " to about ", "{{ plan.services_end }}")),
        ],
    )

    tag(doc, "{%p if plan.changes %}")
    para(doc, "What changed since the last plan", style="Heading 1")
    para(doc, ("{{ plan.changes }}",), style="Client Words")
    tag(doc, "{%p endif %}")

    para(doc, "Your goals", style="Heading 1")
    para(doc, "Housing goal", style="Heading 2")
    para(doc, ("{{ plan.housing_goal }}",), style="Client Words")
    tag(doc, "{%p if plan.other_goals %}")
    para(doc, "Other goals", style="Heading 2")
    tag(doc, "{%p for g in plan.other_goals %}")
    para(doc, ("{{ g }}",), style="List Bullet")
    tag(doc, "{%p endfor %}")
    tag(doc, "{%p endif %}")
    para(doc, "Strengths this plan builds on", style="Heading 2")
    para(doc, ("{{ plan.strengths }}",), style="Client Words")

    para(doc, "Steps toward your goals", style="Heading 1")
    para(
        doc,
        "Each step is specific, can be measured, and has a date. Each says what help you get, "
        "who gives it, and who does what.",
        keep_next=True,
    )
    objectives_table(doc)

    para(doc, "Who supports you", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Services and programs (formal)", "{{ plan.formal_supports }}"),
            ("Family, friends and community (informal)", "{{ plan.informal_supports }}"),
            ("Skills you will learn", "{{ plan.skills }}"),
        ],
        label_w=LABEL_W,
    )

    para(doc, "When we meet", style="Heading 1")
    key_value_table(
        doc,
        [
            ("Services start", "{{ plan.services_start }}"),
            ("Services end (expected)", "{{ plan.services_end }}"),
            ("Meetings", "{{ plan.contact_schedule }}"),
            ("Next review of this plan", (("{{ plan.next_review_date }}", B),)),
        ],
        label_w=LABEL_W,
    )

    para(doc, "If someone does not do their part", style="Heading 1")
    para(doc, ("{{ plan.if_agreement_broken }}",), style="Client Words")

    para(doc, "Signatures", style="Heading 1")
    para(
        doc,
        "By signing, we agree to this plan and to do our part in it. Each person who signs "
        "gets a copy.",
        keep_next=True,
    )
    signature_table(doc)
    spacer(doc, 4)
    para(doc, ("Document ", "{{ document.id }}", "."), style="Form Small")


if __name__ == "__main__":
    sys.exit(main(TEMPLATE, build_body, texts.for_template(CASE_PLAN)))
