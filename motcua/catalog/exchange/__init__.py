"""The catalog exchange format motcua-catalog/1, read by `motcua import_catalog` and written by
`motcua export_catalog` (motcua/catalog/data/demo_catalog.json is an example).

Optional keys take these defaults: agency_code null, online_level "none", is_lien_thong false,
cutoff null, empty texts and lists; a document row defaults to 1 original, 0 copies, required;
a time row and a workflow step to unit "days". "is_published": false is written only for
unpublished procedures; absent, a re-import leaves the flag as it is. Legacy online levels 1–4
are accepted and written as none/partial/full. Unknown keys are errors (they are usually typos).

One canonical record shape serves import validation, export, change detection on re-import and
the API's detail: `validate` turns a file's records into it, `procedure_record` reads it off the
database. Two records are equal exactly when the stored content is the same.

parsing reads a file's text, validation (with reader's typed reads) turns the document into
records, rows turns records into model rows, export reads records back off the database; schema
holds the keys and limits they share.
"""

from motcua.catalog.exchange.export import (
    dumps,
    export_document,
    procedure_record,
    processing_time_records,
    with_children,
)
from motcua.catalog.exchange.parsing import parse_text
from motcua.catalog.exchange.rows import child_rows, procedure_values
from motcua.catalog.exchange.validation import validate

__all__ = [
    "child_rows",
    "dumps",
    "export_document",
    "parse_text",
    "procedure_record",
    "procedure_values",
    "processing_time_records",
    "validate",
    "with_children",
]
