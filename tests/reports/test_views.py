"""Every report URL, for each kind of user; publishing, share links and the admin buttons."""

import pytest
from django.core import mail
from django.urls import reverse

from reports import services
from reports.models import ReportBuild
from tests.factories import (
    EventFactory,
    FindingFactory,
    ReportBuildFactory,
    ReportFactory,
)

pytestmark = pytest.mark.django_db

USERS = ["anonymous", "participant", "rapporteur", "organiser", "superuser"]


@pytest.fixture
def built():
    build = ReportBuildFactory(event=EventFactory(slug="built", title="Built report"))
    return services.report_build_run(build_id=build.pk)


def _client_for(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))
    return client


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("rapporteur", 200),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_build_status_page_permissions(client, request, built, who, expected):
    response = _client_for(client, request, who).get(
        reverse("reports:build_status", kwargs={"pk": built.pk})
    )
    assert response.status_code == expected
    if who == "anonymous":
        assert response["Location"].startswith("/accounts/login/?next=/reports/builds/")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("rapporteur", 200),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_build_download_permissions(client, request, built, who, expected):
    response = _client_for(client, request, who).get(
        reverse("reports:download", kwargs={"pk": built.pk})
    )
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content)[:5] == b"%PDF-"
        assert response["Content-Disposition"] == (
            f'attachment; filename="report-built-en-{built.pk}.pdf"'
        )


def test_build_download_needs_the_download_permission(client, rapporteur):
    from django.contrib.auth.models import Group, Permission

    group = Group.objects.get(name="Rapporteurs")
    group.permissions.remove(Permission.objects.get(codename="download_reportbuild"))
    build = services.report_build_run(build_id=ReportBuildFactory().pk)
    client.force_login(rapporteur)
    assert client.get(reverse("reports:download", kwargs={"pk": build.pk})).status_code == 403
    page = client.get(reverse("reports:build_status", kwargs={"pk": build.pk}))
    assert "you need the download permission" in page.content.decode()


def test_build_download_of_an_unfinished_build_is_404(client, organiser):
    build = ReportBuildFactory()
    client.force_login(organiser)
    assert client.get(reverse("reports:download", kwargs={"pk": build.pk})).status_code == 404


def test_build_status_page_refreshes_without_javascript_until_finished(client, organiser):
    build = ReportBuildFactory()
    ReportBuild.objects.filter(pk=build.pk).update(status="running", progress=30)
    client.force_login(organiser)
    url = reverse("reports:build_status", kwargs={"pk": build.pk})
    page = client.get(url).content.decode()
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page
    assert '<progress id="build-progress" max="100" value="30">30 %</progress>' in page
    assert client.get(url, {"format": "json"}).json() == {
        "id": build.pk,
        "status": "running",
        "status_display": "Running",
        "progress": 30,
        "finished": False,
        "error": "",
        "download_url": None,
    }
    services.report_build_fail(build_id=build.pk, reason="Boom <b>")
    page = client.get(url).content.decode()
    assert "http-equiv" not in page
    assert "Boom &lt;b&gt;" in page


def test_share_link_is_public_until_revoked(client, organiser, built):
    shared = services.report_build_publish(build=built, user=organiser)
    first_token = shared.share_token
    assert len(first_token) == 43
    url = reverse("reports:shared", kwargs={"token": first_token})
    response = client.get(url)
    assert response.status_code == 200
    assert response["X-Robots-Tag"] == "noindex"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"
    services.report_build_revoke(build=shared)
    assert client.get(url).status_code == 404
    again = services.report_build_publish(build=shared, user=organiser)
    assert len(again.share_token) == 43
    assert again.share_token != first_token
    assert client.get(url).status_code == 404


def test_share_link_unknown_token_is_404(client):
    assert client.get(reverse("reports:shared", kwargs={"token": "x" * 43})).status_code == 404


def test_publish_refuses_unfinished_builds():
    build = ReportBuildFactory()
    with pytest.raises(ValueError, match=r"^Only a finished build can be published\.$"):
        services.report_build_publish(build=build)
    build.refresh_from_db()
    assert build.share_token is None


def test_publish_and_email_sends_the_link_to_the_distribution_list(
    client, organiser, built, django_capture_on_commit_callbacks
):
    built.report.distribution_list = "a@example.org\nB@example.org; a@example.org"
    built.report.save()
    client.force_login(organiser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reports_reportbuild_changelist"),
            {"action": "publish_and_email", "_selected_action": [built.pk]},
        )
    assert response.status_code == 302
    built.refresh_from_db()
    assert built.share_token
    assert (built.share_email_due, built.share_emailed_at is not None) == (False, True)
    assert sorted(m.to[0] for m in mail.outbox) == ["a@example.org", "b@example.org"]
    link = services.report_share_url(build=built)
    assert link.endswith(f"/reports/shared/{built.share_token}/")
    assert all(link in m.body for m in mail.outbox), [m.body for m in mail.outbox]
    # Sending again does nothing: the email is no longer due.
    assert services.report_build_send_share_email(build_id=built.pk) == 0


def test_admin_publish_action_publishes_finished_builds_and_names_the_others(
    client, organiser, built
):
    queued = ReportBuildFactory(event=built.event, report=built.report)
    client.force_login(organiser)
    response = client.post(
        reverse("admin:reports_reportbuild_changelist"),
        {"action": "publish", "_selected_action": [built.pk, queued.pk]},
        follow=True,
    )
    built.refresh_from_db()
    queued.refresh_from_db()
    assert (bool(built.share_token), queued.share_token) == (True, None)
    assert [str(m) for m in response.context["messages"]] == [
        f"Build {queued.pk} is not finished; only finished builds can be published.",
        "1 build published.",
    ]


def test_rapporteur_cannot_publish(client, rapporteur, built):
    client.force_login(rapporteur)
    client.post(
        reverse("admin:reports_reportbuild_changelist"),
        {"action": "publish", "_selected_action": [built.pk]},
    )
    built.refresh_from_db()
    assert built.share_token is None


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("participant", 302),
        ("rapporteur", 200),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_admin_build_pdf_page_permissions(client, request, who, expected):
    report = ReportFactory()
    response = _client_for(client, request, who).get(
        reverse("admin:reports_report_build", kwargs={"pk": report.pk})
    )
    assert response.status_code == expected
    if expected == 302:
        assert response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("participant", 302),
        ("rapporteur", 200),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_admin_report_pages_permissions(client, request, who, expected):
    report = ReportFactory()
    client = _client_for(client, request, who)
    for url in (
        reverse("admin:reports_report_changelist"),
        reverse("admin:reports_report_change", args=[report.pk]),
        reverse("admin:reports_reportbuild_changelist"),
    ):
        assert client.get(url).status_code == expected


def test_admin_build_pdf_button_queues_a_build(
    client, organiser, django_capture_on_commit_callbacks
):
    report = ReportFactory(title_en="T", title_fr="T")
    client.force_login(organiser)
    page = client.get(reverse("admin:reports_report_change", args=[report.pk])).content.decode()
    assert f'href="/admin/reports/report/{report.pk}/build/"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:reports_report_build", kwargs={"pk": report.pk}), {"language": "fr"}
        )
    build = ReportBuild.objects.get(report=report)
    assert response["Location"] == f"/reports/builds/{build.pk}/"
    build.refresh_from_db()
    assert (build.language, build.requested_by, build.status) == ("fr", organiser, "succeeded")


def test_admin_build_pdf_refuses_missing_translations_and_saves_nothing(client, organiser):
    report = ReportFactory(title_en="Title", title_fr="")
    FindingFactory(report=report, text_en="Finding", text_fr="Constat", text_ar="")
    client.force_login(organiser)
    url = reverse("admin:reports_report_build", kwargs={"pk": report.pk})
    response = client.post(url, {"language": "ar"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "2 texts are not translated into this language." in page
    assert "<li>Finding F1: text (ar)</li>" in page
    assert '<a href="#id_language">Language:' in page
    assert ReportBuild.objects.count() == 0
    response = client.post(url, {"language": "xx"})
    assert "Select a valid choice. xx is not one of the available choices." in (
        response.content.decode()
    )
    assert ReportBuild.objects.count() == 0
    client.post(url, {"language": "ar", "allow_fallback": "on"})
    assert ReportBuild.objects.get(report=report).allow_fallback is True


def test_admin_report_lists_keep_their_query_count(client, organiser, django_assert_num_queries):
    client.force_login(organiser)
    url = reverse("admin:reports_reportbuild_changelist")
    ReportBuildFactory()
    client.get(url)  # warm caches (content types, permissions)
    with django_assert_num_queries(8) as one:
        client.get(url)
    ReportBuildFactory.create_batch(2)
    with django_assert_num_queries(len(one.captured_queries)):
        client.get(url)
    report_url = reverse("admin:reports_report_changelist")
    client.get(report_url)
    with django_assert_num_queries(7) as reports_one:
        client.get(report_url)
    ReportFactory.create_batch(2)
    with django_assert_num_queries(len(reports_one.captured_queries)):
        client.get(report_url)


def test_admin_add_build_refuses_untranslated_report_and_saves_nothing(client, organiser):
    report = ReportFactory(title_en="English only")
    client.force_login(organiser)
    url = reverse("admin:reports_reportbuild_add")
    response = client.post(url, {"report": report.pk, "language": "fr"})
    assert response.status_code == 200
    assert "Not translated: Report: title (fr)" in response.content.decode()
    assert ReportBuild.objects.count() == 0
    response = client.post(url, {"report": report.pk, "language": "en"})
    build = ReportBuild.objects.get()
    assert response.status_code == 302
    assert (build.event, build.report, build.requested_by) == (report.event, report, organiser)


@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("anonymous", 302),
        ("participant", 403),
        ("rapporteur", 200),
        ("organiser", 200),
        ("superuser", 200),
    ],
)
def test_build_first_page_image_permissions(client, request, built, who, expected):
    response = _client_for(client, request, who).get(
        reverse("reports:first_page", kwargs={"pk": built.pk})
    )
    assert response.status_code == expected
    if expected == 200:
        assert response["Content-Type"] == "image/png"
        assert b"".join(response.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"


def test_build_first_page_image_needs_the_download_permission(client, rapporteur, built):
    from django.contrib.auth.models import Group, Permission

    Group.objects.get(name="Rapporteurs").permissions.remove(
        Permission.objects.get(codename="download_reportbuild")
    )
    client.force_login(rapporteur)
    url = reverse("reports:first_page", kwargs={"pk": built.pk})
    assert client.get(url).status_code == 403
    page = client.get(reverse("reports:build_status", kwargs={"pk": built.pk})).content.decode()
    assert url not in page


def test_build_first_page_image_of_an_unfinished_build_is_404(client, organiser):
    build = ReportBuildFactory()
    client.force_login(organiser)
    assert client.get(reverse("reports:first_page", kwargs={"pk": build.pk})).status_code == 404


def test_finished_build_page_shows_the_file_and_the_way_back(client, organiser, built):
    client.force_login(organiser)
    page = client.get(reverse("reports:build_status", kwargs={"pk": built.pk})).content.decode()
    assert built.pages == 5
    assert f"Download the PDF (5 pages, {built.size // 1024}" in page
    assert "? pages" not in page
    assert "0 bytes" not in page
    assert "updates itself" not in page
    assert "queued" not in page.lower()
    assert "build_status.js" not in page
    assert "<progress" not in page
    assert reverse("reports:first_page", kwargs={"pk": built.pk}) in page
    back = reverse("admin:reports_report_change", args=[built.report_id])
    assert f'<a href="{back}">Back to the report</a>' in page
    assert "Draft (every page marked DRAFT)" in page


def test_running_build_page_has_no_download_leftovers(client, organiser):
    build = ReportBuildFactory()
    client.force_login(organiser)
    page = client.get(reverse("reports:build_status", kwargs={"pk": build.pk})).content.decode()
    assert "Download the PDF" not in page
    assert "This page updates itself until the build is finished." in page
    assert "build_status.js" in page


def _changelist_action(client, action: str, report):
    return client.post(
        reverse("admin:reports_report_changelist"),
        {"action": action, "_selected_action": [report.pk]},
        follow=True,
    )


def test_organiser_marks_a_report_final_and_back_to_draft(client, organiser):
    report = ReportFactory()
    other = ReportFactory()
    client.force_login(organiser)
    page = _changelist_action(client, "mark_final", report).content.decode()
    assert "1 report marked final" in page
    report.refresh_from_db()
    other.refresh_from_db()
    assert report.status == "final"
    assert report.finalised_at is not None
    assert other.status == "draft"
    assert other.finalised_at is None
    _changelist_action(client, "mark_draft", report)
    report.refresh_from_db()
    assert (report.status, report.finalised_at) == ("draft", None)


def test_rapporteur_cannot_mark_a_report_final(client, rapporteur):
    report = ReportFactory()
    client.force_login(rapporteur)
    page = client.get(reverse("admin:reports_report_changelist")).content.decode()
    assert "mark_final" not in page
    _changelist_action(client, "mark_final", report)
    report.refresh_from_db()
    assert report.status == "draft"


def test_final_report_builds_without_the_draft_mark(client, organiser):
    report = ReportFactory(title_en="Final words")
    services.report_mark_final(report=report)
    build = services.report_build_run(build_id=ReportBuildFactory(event=report.event).pk)
    assert build.final is True
    client.force_login(organiser)
    page = client.get(reverse("reports:build_status", kwargs={"pk": build.pk})).content.decode()
    assert "<dd>Final</dd>" in page
