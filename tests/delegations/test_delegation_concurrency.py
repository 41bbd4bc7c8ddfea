"""Concurrent nominations on PostgreSQL: a delegation's quota holds under load."""

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection

from delegations import services
from registration.models import OutgoingMail, Registration
from tests.factories import DelegationFactory, EventFactory
from webinar.models import Event

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _nominate(delegation, n: int) -> str:
    """Each thread has its own connection (Django's are per thread), closed at the end."""
    try:
        services.delegation_nominate(
            delegation=delegation,
            email=f"official{n}@example.org",
            first_name="Concurrent",
            last_name=f"Official {n}",
            position="Director",
        )
        return "nominated"
    except services.DelegationError as exc:
        return f"refused:{exc.code}:{exc.message}"
    except Exception as exc:  # any other outcome is a failure of the rule, counted below
        return f"error:{type(exc).__name__}:{exc}"
    finally:
        connection.close()


def test_50_concurrent_nominations_against_a_quota_of_5_give_5_delegation_nominees():
    event = EventFactory(admission=Event.Admission.MIXED, capacity=40)
    delegation = DelegationFactory(event=event, country="NE", quota=5)
    bystander = DelegationFactory(event=event, country="ML", quota=3)
    services.delegation_nominate(
        delegation=bystander, email="bystander@example.org", first_name="B", last_name="Y"
    )
    with ThreadPoolExecutor(max_workers=25) as pool:
        outcomes = list(pool.map(lambda n: _nominate(delegation, n), range(50)))
    errors = [o for o in outcomes if o.startswith("error")]
    assert errors == []
    assert outcomes.count("nominated") == 5
    assert outcomes.count("refused:quota:Your delegation's 5 seats are all nominated.") == 45
    assert delegation.nominees.count() == 5
    assert delegation.nominees.filter(status=Registration.Status.APPROVED).count() == 5
    assert OutgoingMail.objects.filter(registration__delegation=delegation).count() == 5
    # The other delegation of the same event: its nominee and its held seats as they were.
    assert list(bystander.nominees.values_list("email", "status")) == [
        ("bystander@example.org", Registration.Status.APPROVED)
    ]
    assert event.registrations.count() == 6
