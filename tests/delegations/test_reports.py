"""The report's statistics count the delegations represented by their nominees."""

import pytest

from delegations import services
from registration.models import Registration
from reports.selectors import report_delegations, report_statistics
from tests.factories import DelegationFactory, EventFactory, RegistrationFactory

pytestmark = pytest.mark.django_db


def _nominate(delegation, n):
    return services.delegation_nominate(
        delegation=delegation,
        email=f"d{delegation.pk}-{n}@example.org",
        first_name="A",
        last_name="B",
    )


def test_delegations_represented_by_approved_nominees(django_assert_num_queries):
    event = EventFactory()
    niger = DelegationFactory(event=event, country="NE")
    _nominate(niger, 1)
    _nominate(niger, 2)
    au = DelegationFactory(event=event, country="", organisation="African Union Commission")
    _nominate(au, 1)
    pending = DelegationFactory(event=event, country="TD")
    Registration.objects.filter(pk=_nominate(pending, 1).pk).update(
        status=Registration.Status.PENDING
    )
    DelegationFactory(event=event, country="ML")  # nobody nominated
    revoked = DelegationFactory(event=event, country="BF")
    _nominate(revoked, 1)
    services.delegations_revoke(delegation_ids=[revoked.pk])
    other_event = DelegationFactory(country="NE")
    _nominate(other_event, 1)
    RegistrationFactory(event=event)  # a public sign-up is no delegation
    with django_assert_num_queries(1):
        figures = report_delegations(event=event)
    assert figures == {"delegations_invited": 4, "delegations_represented": 2}
    statistics = report_statistics(event=event, region_countries=[])
    assert (statistics.delegations_represented, statistics.delegations_invited) == (2, 4)
