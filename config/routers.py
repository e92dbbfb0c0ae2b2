"""Database routing: every write goes to the primary ("default").

Reads choose their alias explicitly: report queries call `.using(report_db_alias())` (see
motcua.common.db), everything else reads the primary. A row read from the replica keeps
"replica" as its database, so without this router saving it (or a row related to it) would be
sent to the read-only standby; here such writes go to the primary like every other write.
"""


class PrimaryWritesRouter:
    def db_for_read(self, model, **hints):
        return None  # the caller's .using(), the related instance's database, else default

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return None
