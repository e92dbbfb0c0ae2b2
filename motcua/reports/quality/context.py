"""What the indicators read from: the agency subtree and the period, the catalog procedures that
apply there, the dossiers received or resolved in the period, and the timeliness report's lists."""

from dataclasses import dataclass
from datetime import datetime
from functools import cached_property

from django.db.models import Q, QuerySet

from motcua.catalog.models import Procedure
from motcua.common.db import report_db_alias
from motcua.dossiers.models import Dossier
from motcua.dossiers.statuses import DossierStatus
from motcua.organizations.models import Agency
from motcua.reports.dashboard.ontime import timeliness_module
from motcua.reports.dashboard.scope import Period, received_in, subtree_dossiers

WITH_RESULT = (DossierStatus.RESULT_READY, DossierStatus.RETURNED)


@dataclass
class Context:
    agency: Agency
    period: Period
    now: datetime

    def procedures(self) -> QuerySet[Procedure]:
        """Published procedures that apply in the subtree: the common catalog, those of the
        agency's ancestors and those published inside the subtree."""
        ancestors = self.agency.ancestors_path_ids()
        return (
            Procedure.objects.using(report_db_alias())
            .filter(is_published=True)
            .filter(
                Q(agency__isnull=True)
                | Q(agency_id__in=ancestors)
                | Q(agency__path__startswith=self.agency.path)
            )
        )

    def received(self) -> QuerySet[Dossier]:
        """Dossiers received in the period (never-received ones left out, as in the report)."""
        return received_in(self.agency, self.period)

    def resolved_with_result(self) -> QuerySet[Dossier]:
        """Dossiers finished in the period with a result (approved or a refusal letter)."""
        return subtree_dossiers(self.agency).filter(
            status__in=WITH_RESULT,
            finished_at__gte=self.period.start,
            finished_at__lt=self.period.end,
        )

    @cached_property
    def timeliness(self):
        return timeliness_module()

    def timeliness_list(self, column: str) -> QuerySet[Dossier]:
        """The timeliness report's dossiers behind `column` of its total row."""
        return self.timeliness.timeliness_dossiers(
            agency=self.agency,
            date_from=self.period.date_from,
            date_to=self.period.date_to,
            group_by="field",
            key=None,
            column=column,
            now=self.now,
        )

    def on_time(self) -> QuerySet[Dossier]:
        """Resolved early or on time, by the timeliness report's rules."""
        return self.timeliness_list("resolved_total").filter(
            Q(pk__in=self.timeliness_list("resolved_early").values("pk"))
            | Q(pk__in=self.timeliness_list("resolved_on_time").values("pk"))
        )
