"""Database aliases: which connection a kind of read goes to."""

from django.conf import settings


def report_db_alias() -> str:
    """The alias report queries read from: "replica" when DATABASE_REPLICA_URL configures one,
    else "default". Reports only read, so a lagging replica costs seconds of freshness, nothing
    more; writes always go to "default"."""
    return "replica" if "replica" in settings.DATABASES else "default"
