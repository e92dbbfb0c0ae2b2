"""Import of dossiers from an agency's old software (`motcua import_dossiers FILE.jsonl`).

JSON Lines, one dossier per line:

    {"code": "000.00.06.H56-170306-0001", "agency_code": "000.00.06.H56",
     "agency_name": "UBND huyện Hàm Yên", "procedure_code": "1.001193",
     "procedure_name": "Đăng ký khai sinh", "field_name": "Hộ tịch", "channel": "direct",
     "received_at": "2017-03-06T08:30:00+07:00", "due_at": "2017-03-06T17:00:00+07:00",
     "finished_at": "2017-03-06T15:00:00+07:00", "returned_at": null, "status": 9,
     "applicant": {"name": "…", "id_number": "…", "phone": "…", "address": "…"}}

Every line is checked before anything is written, and a file goes in whole or not at all. A
re-import matches dossiers by code and updates only what changed (one IMPORT event per created or
changed dossier). Agencies, fields and procedures the database does not know are created and
marked as imported: agencies under one "Cơ quan nhập từ hệ thống cũ" root, procedures
unpublished in the common catalog. A line without "applicant" leaves a re-imported dossier's
applicant as it is. Dossiers created in motcua itself, or imported and then handled further
here, are never overwritten.
"""

from motcua.dossiers.importing.writing import IMPORT_ROOT_CODE, dossiers_import

__all__ = ["IMPORT_ROOT_CODE", "dossiers_import"]
