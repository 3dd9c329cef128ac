"""Hash chains kept in the database: the audit events of each agency, the archive records of
each agency, the checkpoints written of them. Appending takes the next number and the last
hash in one atomic statement, which also locks the chain's head row (on SQLite, the database)
until the transaction ends, so two appends never take the same number."""

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from .models import ChainHead

GENESIS = "0" * 64
INSTANCE = "instance"  # the owner of events no agency owns; its key is the instance's


def owner_of(agency_id) -> str:
    return str(agency_id) if agency_id else INSTANCE


def chain_name(kind: str, agency_id) -> str:
    return f"{kind}:{owner_of(agency_id)}"


def advance(chain: str) -> tuple[int, str]:
    """Take the next link of `chain`: (its number, the hash it follows)."""
    statement = (
        update(ChainHead)
        .where(ChainHead.chain == chain)
        .values(count=ChainHead.count + 1)
        .returning(ChainHead.count, ChainHead.last_hash)
        .execution_options(synchronize_session=False)
    )
    row = db.session.execute(statement).first()
    if row is None:
        make = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        db.session.execute(
            make(ChainHead)
            .values(chain=chain, count=0, last_hash=GENESIS)
            .on_conflict_do_nothing(index_elements=["chain"])
        )
        row = db.session.execute(statement).one()
    return row.count, row.last_hash


def close(chain: str, last_hash: str, count: int | None = None) -> None:
    """Record the hash of the link just appended to `chain` (number `count`) as its end."""
    values = {"last_hash": last_hash} | ({"count": count} if count is not None else {})
    db.session.execute(
        update(ChainHead)
        .where(ChainHead.chain == chain)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


def heads(kind: str) -> dict[str, ChainHead]:
    """The heads of every chain of `kind`, by owner."""
    rows = db.session.execute(db.select(ChainHead).where(ChainHead.chain.like(f"{kind}:%")))
    return {head.chain.split(":", 1)[1]: head for head in rows.scalars()}
