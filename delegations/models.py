"""Delegations: a member state or an institution invited to nominate up to a quota of officials."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _
from django_countries import countries
from django_countries.fields import CountryField

from webinar.languages import autonym_choices
from webinar.models import Event


def new_access_key() -> str:
    return secrets.token_urlsafe(24)


class Delegation(models.Model):
    """An invitation to a country (ISO 3166 code) or an organisation, through its focal point.

    The focal point has no account: a signed link carrying ``access_key`` opens their page;
    ``revoked_at`` closes it for good. Nominees are registrations whose ``delegation`` is this
    row (``Registration.delegation``).
    """

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="delegations", verbose_name=_("event")
    )
    country = CountryField(_("country"), blank=True)
    organisation = models.CharField(
        _("organisation"),
        max_length=200,
        blank=True,
        help_text=_("For an institution (e.g. the AU Commission); leave the country empty."),
    )
    focal_point_name = models.CharField(_("focal point's name"), max_length=200)
    focal_point_email = models.EmailField(_("focal point's email address"), max_length=254)
    focal_point_language = models.CharField(
        _("focal point's language"), max_length=8, choices=autonym_choices(), default="en"
    )
    quota = models.PositiveSmallIntegerField(_("quota of seats"))
    nomination_deadline = models.DateTimeField(_("nomination deadline"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    access_key = models.CharField(max_length=64, default=new_access_key, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["event", "country", "organisation", "pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        constraints = [
            models.CheckConstraint(
                condition=(~models.Q(country="") & models.Q(organisation=""))
                | (models.Q(country="") & ~models.Q(organisation="")),
                name="delegation_country_xor_organisation",
            ),
            models.CheckConstraint(condition=models.Q(quota__gte=1), name="delegation_quota_1"),
            models.UniqueConstraint(
                "event",
                "country",
                condition=~models.Q(country=""),
                name="delegation_one_per_country_per_event",
            ),
            models.UniqueConstraint(
                "event",
                Lower("organisation"),
                condition=~models.Q(organisation=""),
                name="delegation_one_per_organisation_per_event",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return str(countries.name(str(self.country))) if self.country else self.organisation
