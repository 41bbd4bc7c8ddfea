"""The focal point's page: no account, a signed personal link. Thin: parse, call, render."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from delegations import links, selectors, services
from delegations.emails import deadline_text
from delegations.forms import NomineeForm
from webinar.locale import site_language


def _open(token: str):
    delegation = links.delegation_from_token(token=token)
    if delegation is None:
        raise Http404
    return delegation


def _private(response):
    response["Cache-Control"] = "private, no-store"
    # The token is in the path: never sent to another site. Not "no-referrer": the browser
    # would then send "Origin: null" with the page's own forms, which CSRF checking refuses.
    response["Referrer-Policy"] = "same-origin"
    return response


def _context(request, delegation, token: str, form: NomineeForm) -> dict:
    page = selectors.delegation_page(delegation=delegation)
    language = site_language(request.LANGUAGE_CODE)
    return {
        "page": page,
        "delegation": delegation,
        "event": delegation.event,
        "token": token,
        "form": form,
        "deadline": deadline_text(delegation=delegation, language=language),
    }


@require_http_methods(["GET", "POST"])
def focal_point(request, token: str):
    delegation = _open(token)
    status = 200
    if request.method == "POST":
        form = NomineeForm(request.POST)
        if form.is_valid():
            try:
                services.delegation_nominate(delegation=delegation, **form.service_kwargs())
            except services.DelegationError as exc:
                form.add_error(None, exc.message)
                status = 409 if exc.code in ("quota", "deadline", "full") else 200
            else:
                # Post/redirect/get: a reload does not nominate the same person twice.
                return redirect(reverse("delegations:focal_point", kwargs={"token": token}))
    else:
        form = NomineeForm(initial={"language": site_language(request.LANGUAGE_CODE)})
    context = _context(request, delegation, token, form)
    return _private(render(request, "delegations/focal_point.html", context, status=status))


@require_http_methods(["GET", "POST"])
def replace(request, token: str, registration_id: int):
    delegation = _open(token)
    # Only this delegation's own nominees: another delegation's id answers 404.
    nominee = delegation.nominees.filter(pk=registration_id).first()
    if nominee is None:
        raise Http404
    status = 200
    if request.method == "POST":
        form = NomineeForm(request.POST)
        if form.is_valid():
            try:
                services.delegation_replace(
                    delegation=delegation, registration=nominee, **form.service_kwargs()
                )
            except services.DelegationError as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                return redirect(reverse("delegations:focal_point", kwargs={"token": token}))
    else:
        form = NomineeForm(initial={"language": site_language(request.LANGUAGE_CODE)})
    context = {
        **_context(request, delegation, token, form),
        "nominee": nominee,
    }
    return _private(render(request, "delegations/replace.html", context, status=status))
