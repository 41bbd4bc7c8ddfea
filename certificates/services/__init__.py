"""Certificate rules: issuing and revoking, rendering in batches, delivery, verification.

One module per concern; this package re-exports the public rules.
"""

from certificates.services.batches import (
    MAX_ATTEMPTS,
    batch_claim,
    batch_fail,
    batch_request,
    batch_run,
    batches_sweep,
    certificate_queue_mail,
)
from certificates.services.delivery import certificates_zip_chunks
from certificates.services.issuing import (
    IssueResult,
    certificate_reissue,
    certificate_revoke,
    certificates_issue,
)
from certificates.services.rendering import (
    Signatory,
    certificate_html,
    certificate_pdf,
    verification_url,
)
from certificates.services.verification import verification_rate_limited

__all__ = [
    "MAX_ATTEMPTS",
    "IssueResult",
    "Signatory",
    "batch_claim",
    "batch_fail",
    "batch_request",
    "batch_run",
    "batches_sweep",
    "certificate_html",
    "certificate_pdf",
    "certificate_queue_mail",
    "certificate_reissue",
    "certificate_revoke",
    "certificates_issue",
    "certificates_zip_chunks",
    "verification_rate_limited",
    "verification_url",
]
