"""Moving the report's texts onto django-modeltranslation keeps every text already written."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.factories import EventFactory

BEFORE = [("reports", "0002_report_content")]
AFTER = [("reports", "0003_texts_on_modeltranslation")]


@pytest.mark.django_db(transaction=True)
def test_texts_migration_keeps_every_language_and_fills_the_base_column():
    # The event comes from today's schema (other apps are not migrated back).
    event = EventFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    report = old.get_model("reports", "Report").objects.create(
        event_id=event.pk, title_en="Report", title_fr="Rapport", conclusions_ar="خاتمة"
    )
    finding = old.get_model("reports", "Finding").objects.create(
        report=report, challenge_type="legal", text_fr="Constat"
    )
    untouched = old.get_model("reports", "Finding").objects.create(
        report=report, challenge_type="policy"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    report = new.get_model("reports", "Report").objects.get(pk=report.pk)
    assert (report.title, report.title_en, report.title_fr, report.title_ar) == (
        "Report",
        "Report",
        "Rapport",
        "",
    )
    assert (report.conclusions, report.conclusions_ar) == ("خاتمة", "خاتمة")
    findings = new.get_model("reports", "Finding").objects.order_by("pk")
    assert [(f.pk, f.text, f.text_en, f.text_fr) for f in findings] == [
        (finding.pk, "Constat", "", "Constat"),
        (untouched.pk, "", "", ""),
    ]
    MigrationExecutor(connection).migrate(executor.loader.graph.leaf_nodes())
