"""Report rules: the report's content, its builds, and publishing what was built.

One module per concern; this package re-exports the public rules so callers say
``services.report_build_request(...)`` whatever module holds the rule.
"""

from reports.services.builds import (
    report_build_check,
    report_build_claim,
    report_build_fail,
    report_build_request,
    report_build_run,
    report_builds_sweep,
    report_render,
    report_render_context,
)
from reports.services.common import (
    MAX_ATTEMPTS,
    BuildNotPublishable,
    MissingTranslations,
    TransientBuildError,
)
from reports.services.content import report_get_or_create, report_mark_draft, report_mark_final
from reports.services.publishing import (
    SHARE_MAIL_MAX_ATTEMPTS,
    report_build_publish,
    report_build_revoke,
    report_build_send_share_email,
    report_builds_sweep_share_emails,
    report_share_url,
    share_mail_send,
)

__all__ = [
    "MAX_ATTEMPTS",
    "SHARE_MAIL_MAX_ATTEMPTS",
    "BuildNotPublishable",
    "MissingTranslations",
    "TransientBuildError",
    "report_build_check",
    "report_build_claim",
    "report_build_fail",
    "report_build_publish",
    "report_build_request",
    "report_build_revoke",
    "report_build_run",
    "report_build_send_share_email",
    "report_builds_sweep",
    "report_builds_sweep_share_emails",
    "report_get_or_create",
    "report_mark_draft",
    "report_mark_final",
    "report_render",
    "report_render_context",
    "report_share_url",
    "share_mail_send",
]
