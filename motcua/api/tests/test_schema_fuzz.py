"""Property-based checks of the whole JSON API against its own OpenAPI document (schemathesis):
for generated valid and invalid input, every operation answers without a server error, with a
status code, content type, headers and body that the document declares, and input the document
forbids is refused. Bounded (a few dozen examples per operation) so it runs in CI;
`SCHEMA_FUZZ_EXAMPLES` raises the number for a longer run.

Left out: `positive_data_acceptance` — input the document allows may still be refused with a
documented 400 for rules a schema cannot state (an empty name, an unknown agency code, a
procedure not offered at that desk); those rules have their own tests next to each endpoint."""

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import positive_data_acceptance

from config.wsgi import application
from motcua.api.services import api_token_create
from motcua.dossiers.tests.factories import HKD, build_office, demo_procedure

EXAMPLES = int(os.environ.get("SCHEMA_FUZZ_EXAMPLES", "10"))

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
# The boundary-value phase (every edge of every parameter, some hundred calls per operation) runs
# only when asked: SCHEMA_FUZZ_COVERAGE=1 (make bench-style long run); CI runs generated examples.
schema.config.phases.coverage.enabled = os.environ.get("SCHEMA_FUZZ_COVERAGE") == "1"


@pytest.fixture(autouse=True)
def _connection_kept_across_requests():
    """As Django's test client does: a request's end must not close the database connection
    that holds the test's transaction (PostgreSQL would lose the test's data and its state)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(db):
    """The test office with one procedure in the catalog, and a reception officer's API token
    (generated dossier codes never match a real one: the 404 paths are what gets exercised)."""
    office = build_office()
    demo_procedure(HKD)
    _token, secret = api_token_create(user=office.reception, name="kiểm thử lược đồ")
    return {"Authorization": f"Bearer {secret}"}


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_openapi_document(case, bearer):
    case.call_and_validate(headers=bearer, excluded_checks=[positive_data_acceptance])
