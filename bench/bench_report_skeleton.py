"""Report build through the project's pipeline against a bare WeasyPrint render.

The project's path adds the template, the restricted fetcher, storage and the database row;
the baseline renders the same HTML with WeasyPrint's defaults and keeps the bytes in memory.
"""

from bench.common import ROOT, report, setup_django, timed


def main() -> None:
    setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        from weasyprint import HTML

        from reports import services
        from reports.models import ReportBuild
        from webinar.models import Event

        with open("/dev/null", "w") as devnull:
            call_command("seed_demo", stdout=devnull)
        event = Event.objects.get(slug="sahel-sahara-2020")
        html = services.report_html(event=event, language="en")

        def project_build():
            build = ReportBuild.objects.create(event=event, language="en")
            services.report_build_run(build_id=build.pk)

        static_dir = ROOT / "static"

        def bare_render():
            HTML(string=html, base_url=f"{static_dir}/").write_pdf()

        project_build()  # warm up fonts and templates once for both
        baseline = timed(bare_render, repeat=5)
        value = timed(project_build, repeat=5)
        report("report build, skeleton (project pipeline vs bare WeasyPrint)", value, "s", baseline)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
