"""Moving the report's texts onto django-modeltranslation keeps every text already written."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("reports", "0002_report_content")]
AFTER = [("reports", "0003_texts_on_modeltranslation")]


@pytest.mark.django_db(transaction=True)
def test_texts_migration_keeps_every_language_and_fills_the_base_column():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    event_model = old.get_model("webinar", "Event")
    series_model = old.get_model("webinar", "Series")
    series = series_model.objects.create(slug="s", title="Series")
    event = event_model.objects.create(
        series=series,
        slug="e",
        title="Event",
        starts_at="2020-08-12T09:00Z",
        ends_at="2020-08-12T12:00Z",
    )
    report = old.get_model("reports", "Report").objects.create(
        event=event, title_en="Report", title_fr="Rapport", conclusions_ar="خاتمة"
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
