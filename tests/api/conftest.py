import pytest

from forms_service.api.service import SCOPES, create_token
from forms_service.extensions import db


class Api:
    """Calls to /api/v1 with one agency's token, as another system makes them."""

    def __init__(self, client, secret):
        self.client, self.secret = client, secret

    def headers(self, **extra):
        return {"Authorization": f"Bearer {self.secret}", **extra}

    def get(self, path, **kwargs):
        return self.client.get(f"/api/v1{path}", headers=self.headers(), **kwargs)

    def post(self, path, body=None, key=None, method="post"):
        extra = {"Idempotency-Key": key} if key else {}
        return getattr(self.client, method)(
            f"/api/v1{path}", json=body if body is not None else {}, headers=self.headers(**extra)
        )

    def patch(self, path, body):
        return self.post(path, body, method="patch")


def make_api(client, world, admin=None, scopes=tuple(SCOPES), name="HMIS sync"):
    _token, secret = create_token(world.actor(admin or world.admin), name, list(scopes))
    db.session.commit()
    return Api(client, secret)


@pytest.fixture
def api(client, world):
    """The first agency's token with every scope."""
    return make_api(client, world)


@pytest.fixture
def other_admin(world):
    from forms_service.accounts.models import Role
    from forms_service.accounts.service import create_user
    from tests.conftest import PASSWORD

    admin = create_user(world.other_agency, "admin@b.example", "Bo Admin", Role.ADMIN, PASSWORD)
    db.session.commit()
    return admin


@pytest.fixture
def other_api(client, world, other_admin):
    """The second agency's token with every scope."""
    return make_api(client, world, other_admin, name="Their HMIS")
