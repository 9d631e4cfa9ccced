"""What a case made from an alert gains besides the alert and its subject."""

from __future__ import annotations

from service_data import P1

from tianluo.service.alerts.subjects import case_items
from tianluo.service.analysis.results import ResultsStore
from tianluo.service.db.models import Alert
from tianluo.workspace import Workspace


def test_an_organisation_alert_brings_the_organisation_its_organiser_leads(
    workspace: Workspace,
) -> None:
    alert = Alert(kind="pyramid_organization", subject=P1, alert_id=f"pyramid_organization:{P1}")
    assert case_items(alert, ResultsStore(workspace)) == [("organization", "ORG1")]


def test_other_alerts_bring_nothing_more(workspace: Workspace) -> None:
    alert = Alert(kind="pyramid_suspect", subject=P1, alert_id=f"pyramid_suspect:{P1}")
    assert case_items(alert, ResultsStore(workspace)) == []
