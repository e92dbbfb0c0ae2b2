"""Fuzzing of the inputs outsiders control: the catalog import file, the dossier import file and
the search box. Whatever the bytes, the answer is a clear domain error (or success) — never a
crash — and a refused file leaves the database as it was."""

import copy
import json

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from motcua.catalog.models import Field, Procedure
from motcua.catalog.services import catalog_import
from motcua.common.errors import DomainError
from motcua.dossiers.importing import dossiers_import
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.dossiers.tests.factories import _demo_document

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Any text a browser or a file may carry (no lone surrogates: those cannot be UTF-8 encoded).
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=80)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)


def _record_paths(value, prefix=()):
    """Every path (keys and indexes) inside a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _record_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _record_paths(child, (*prefix, index))


def _one_procedure_document() -> dict:
    document = _demo_document()
    procedure = next(p for p in document["procedures"] if p["code"] == "2.000720")
    field = next(f for f in document["fields"] if f["code"] == procedure["field"])
    return {"format": "motcua-catalog/1", "fields": [field], "procedures": [procedure]}


BASE = _one_procedure_document()
PATHS = [path for path in _record_paths(BASE) if path]


@st.composite
def mutated_catalogs(draw):
    """A valid catalog document with one value somewhere replaced by arbitrary JSON, or a key
    dropped: the near-misses a real file has."""
    document = copy.deepcopy(BASE)
    path = draw(st.sampled_from(PATHS))
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if draw(st.booleans()) and isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(JSON)
    return document


def _refusal(call) -> DomainError | None:
    """The domain error `call` ends with, None when it succeeds (any other exception escapes)."""
    try:
        call()
    except DomainError as error:
        return error
    return None


def _catalog_state():
    return (
        Field.objects.count(),
        list(Procedure.objects.order_by("pk").values_list("code", "name", "updated_at")),
    )


@FUZZ
@given(document=mutated_catalogs())
def test_a_damaged_catalog_file_is_refused_cleanly_or_imported_whole(document):
    before = _catalog_state()
    text = json.dumps(document, ensure_ascii=False, indent=2)
    error = _refusal(lambda: catalog_import(data=text))
    if error is not None:
        assert str(error.message).strip()
        assert _catalog_state() == before
    else:
        procedure = Procedure.objects.get(code=document["procedures"][0]["code"], agency=None)
        assert procedure.name.strip()


@FUZZ
@given(raw=st.binary(max_size=300) | TEXT.map(str.encode))
def test_bytes_that_are_not_a_catalog_are_refused_with_a_message(raw):
    before = _catalog_state()
    with pytest.raises(DomainError) as error:
        catalog_import(data=raw)
    assert str(error.value.message).strip()
    assert _catalog_state() == before


@FUZZ
@given(lines=st.lists(JSON.map(lambda v: json.dumps(v, ensure_ascii=False)) | TEXT, max_size=4))
def test_a_dossier_import_file_of_any_content_never_crashes(lines):
    before = (Dossier.objects.count(), DossierEvent.objects.count())
    error = _refusal(lambda: dossiers_import(lines=lines))
    if error is not None:
        assert str(error.message).strip()
        assert (Dossier.objects.count(), DossierEvent.objects.count()) == before


@pytest.fixture
def catalog():
    catalog_import(data=BASE)


@FUZZ
@given(query=TEXT)
def test_any_search_text_gets_an_answer_not_a_crash(catalog, query):
    client = Client()
    page = client.get(reverse("portal:procedure_search"), {"q": query})
    assert page.status_code in (200, 400), (query, page.status_code)
    api = client.get("/api/v1/procedures", {"q": query})
    assert api.status_code in (200, 400), (query, api.status_code)
    if api.status_code == 400:
        assert api.json()["code"] in {"query_too_long", "query_empty", "invalid_characters"}
