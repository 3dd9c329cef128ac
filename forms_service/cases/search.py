"""Finding people: names typed as staff type them (any order, case and accents ignored, a
word or its start, near misses on PostgreSQL), dates of birth and case numbers; shared by the
case search, the API's client search and the archive's."""

import re
import unicodedata
from datetime import date, datetime

from flask_babel import gettext
from sqlalchemy import and_, func, literal, or_, select

from ..accounts.service import STAFF_WHO_FILL_FORMS, Actor, get_in_agency, require_role
from ..audit import service as audit
from ..errors import InvalidInput
from ..extensions import db
from ..i18n import N_
from .models import Case, CaseStatus, Client


def normalise_name(name: str) -> str:
    """Lower case without accents, so "José Núñez" is found as "jose nunez"."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def escaped(text: str) -> str:
    """`text` taken literally inside a LIKE pattern (escape character: backslash)."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


# A typed word shorter than this is a whole name or its start ("Lê", "Ng", "Ma" for María),
# not a piece of any name: "le" inside "Alejandro" or "Miller" is noise, and a piece that
# short is one no trigram index can look up (the whole archive would be read).
SHORT_WORD = 3


def typed_words(text: str) -> list[str]:
    """The words of a typed name, normalised, without the comma of "López, Ana"."""
    return normalise_name(text.replace(",", " ")).split()


def name_matches(
    column, text: str, fuzzy: bool, walked: bool = False, near: dict | None = None
) -> list:
    """The conditions for a typed name on a normalised name column: every word, in any order,
    is part of it (a SHORT_WORD: the start of one of its words); on PostgreSQL (`fuzzy`) a
    longer word may also be a near miss ("nunes" finds "Núñez", trigram word similarity
    ≥ 0.6), tested on the column, or with `near` (typed word -> the known words it nearly
    is) as any of those words (a word near none of them, "mariajose" for "María José", is
    still tested on the column). `walked` (PostgreSQL): the same test in a form no index
    answers (`strpos`), checked row by row as an ordered walk reads them, so that walk stops
    once it has a page."""
    conditions = []
    for word in typed_words(text):
        if len(word) < SHORT_WORD:
            conditions.append(_word_start(column, word, walked))
        elif not fuzzy:
            conditions.append(_part(column, word, walked))
        elif near is None or word not in near:
            conditions.append(or_(_part(column, word, walked), column.op("%>")(word)))
        else:
            conditions.append(or_(*(_part(column, w, walked) for w in [word, *near[word]])))
    return conditions


def _part(column, word: str, walked: bool):
    if walked:
        return func.strpos(column, word) > 0
    return column.like(f"%{escaped(word)}%", escape="\\")


def _word_start(column, word: str, walked: bool):
    if walked:
        return func.strpos(literal(" ").concat(column), f" {word}") > 0
    return column.regexp_match(f"(^| ){re.escape(word)}")  # PostgreSQL: a trigram lookup


CASE_FILTERS = {  # labels translated where shown
    "": N_("Open and closed"),
    CaseStatus.OPEN: N_("Open cases"),
    CaseStatus.CLOSED: N_("Closed cases"),
}
DATE_OF_BIRTH_FORMATS = ("%Y-%m-%d", "%m/%d/%Y")  # as typed in the US, and ISO


def _date_typed(text: str) -> date | None:
    for layout in DATE_OF_BIRTH_FORMATS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    return None


def find_cases(actor: Actor, text: str = "", mine: bool = False, status: str = "") -> list[Case]:
    """The agency's cases, open first: all of them, or those whose client's name (as the
    archive matches it: any order, case and accents ignored, near misses on PostgreSQL only
    when nothing matches as typed), date of birth (2026-01-31 or 01/31/2026) or case number
    (or part of one) is `text`; only the actor's own when `mine`; open or closed by
    `status`. A search by text is audited (who looked for whom)."""
    user = require_role(actor, STAFF_WHO_FILL_FORMS)
    if status not in CASE_FILTERS:
        raise InvalidInput({"status": [gettext("Choose open or closed cases from the list.")]})
    text = " ".join(text.split())
    if len(text) > 200:
        raise InvalidInput({"q": [gettext("At most %(most)s characters.", most=200)]})
    where = [Case.agency_id == user.agency_id]
    if mine:
        where.append(Case.case_manager_id == user.id)
    if status:
        where.append(Case.status == status)
    born = _date_typed(text)
    typo_tolerant = bool(text) and not born and db.session.get_bind().dialect.name == "postgresql"
    for fuzzy in (False, True) if typo_tolerant else (False,):
        found = list(where)
        if born:
            found.append(Client.date_of_birth == born)
        elif text:
            number = Case.number.like(f"%{escaped(text.upper())}%", escape="\\")
            found.append(or_(number, and_(*name_matches(Client.search_name, text, fuzzy))))
        cases = list(
            db.session.execute(
                select(Case)
                .join(Client)
                .where(*found)
                .order_by(Case.status.desc(), Client.last_name, Client.first_name, Case.number)
            ).scalars()
        )
        if cases:
            break
    if text:
        audit.record(actor, "case.search", text=text, mine=mine, status=status, results=len(cases))
    return cases


def find_clients(
    actor: Actor,
    hmis_personal_id: str = "",
    name: str = "",
    date_of_birth: date | None = None,
    after: str | None = None,
    limit: int = 50,
) -> list[Client]:
    """The agency's clients with this HMIS PersonalID, name (matched as `find_cases` matches
    it) and date of birth, whichever are given, in id order after the client id `after` (a
    page of another system's sync); audited like a search of cases."""
    require_role(actor, STAFF_WHO_FILL_FORMS)
    name = " ".join(name.split())
    if len(name) > 200:
        raise InvalidInput({"name": [gettext("At most %(most)s characters.", most=200)]})
    where = [Client.agency_id == actor.agency_id]
    if hmis_personal_id:
        where.append(Client.hmis_personal_id == hmis_personal_id.strip())
    if name:
        where.extend(name_matches(Client.search_name, name, fuzzy=False))
    if date_of_birth:
        where.append(Client.date_of_birth == date_of_birth)
    if after:
        where.append(Client.id > get_in_agency(actor, Client, after).id)
    clients = list(
        db.session.execute(select(Client).where(*where).order_by(Client.id).limit(limit)).scalars()
    )
    criteria = {"hmis_personal_id": hmis_personal_id, "name": name, "date_of_birth": date_of_birth}
    given = {k: str(v) for k, v in criteria.items() if v}
    if given:
        audit.record(actor, "client.search", **given, results=len(clients))
    return clients
