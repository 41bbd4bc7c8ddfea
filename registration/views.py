"""Public sign-up and the participant's self-service pages. Thin: parse, call, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from registration import links, selectors, services
from registration.calendar import registration_ics
from registration.forms import DetailsForm, RegistrationForm
from registration.models import Registration
from webinar.http import client_address
from webinar.models import Event


@require_http_methods(["GET", "POST"])
def register(request, slug: str):
    if request.method == "POST":
        # Usually the copy kept from the last sign-up, checked under the event's lock.
        attempt = _SignUpAttempt(request, slug)
        response = attempt.respond(selectors.sign_up_reads(slug=slug))
        if response is None:  # the copy was out of date: once more, from fresh reads (which
            # are checked, so this answer is never None)
            response = attempt.respond(selectors.sign_up_reads(slug=slug, kept=False))
        return response
    # The page says whether the event is full: the seats are counted in the same query.
    event = get_object_or_404(selectors.event_for_signup_page(slug=slug))
    if not event.registration_is_open():
        return render(request, "registration/closed.html", {"event": event}, status=410)
    if event.admission == Event.Admission.INVITATION_ONLY:
        return render(request, "registration/invitation_only.html", {"event": event})
    initial = {"language": (get_language() or "en")[:2]}
    if request.user.is_authenticated:
        user = request.user
        initial.update(email=user.email, first_name=user.first_name, last_name=user.last_name)
    form = RegistrationForm(questions=selectors.event_questions(event=event), initial=initial)
    return _form_page(request, event, form)


def _form_page(request, event: Event, form: RegistrationForm) -> HttpResponse:
    seats_left = selectors.event_seats_left(event=event)
    context = {
        "event": event,
        "form": form,
        "full": seats_left == 0,
        "full_no_waitlist": seats_left == 0 and not event.has_waitlist,
    }
    return render(request, "registration/register.html", context)


class _SignUpAttempt:
    """One sign-up POST, answered from the reads of ``selectors.sign_up_reads``.

    ``respond`` gives None when the reads were a kept copy that turned out to be out of date
    (nothing saved): the caller answers again from fresh reads. The attempt counts once
    towards the rate limit however many times it is answered.
    """

    def __init__(self, request, slug: str) -> None:
        self.request = request
        self.slug = slug
        self.limited: bool | None = None  # counted once, then kept

    def respond(self, reads: selectors.SignUpReads | None) -> HttpResponse | None:
        request, slug = self.request, self.slug
        if reads is None:
            raise Http404
        event = reads.event
        if not event.registration_is_open():
            return self._unless_stale(
                reads,
                lambda: render(
                    request, "registration/closed.html", {"event": _whole(slug)}, status=410
                ),
            )
        if event.admission == Event.Admission.INVITATION_ONLY:
            return self._unless_stale(
                reads,
                lambda: render(
                    request, "registration/invitation_only.html", {"event": _whole(slug)}
                ),
            )
        if self.limited is None:
            self.limited = services.signup_rate_limited(client_address=client_address(request))
        if self.limited:
            return self._unless_stale(
                reads,
                lambda: render(
                    request, "registration/too_many.html", {"event": _whole(slug)}, status=429
                ),
            )
        form = RegistrationForm(request.POST, questions=reads.questions)
        if form.is_bot():
            # Answer as if all went well, so the bot learns nothing; nothing is saved.
            return _done(event, request.POST.get("email", "")[:254])
        if form.is_valid():
            user = request.user if request.user.is_authenticated else None
            try:
                services.register(
                    event=event,
                    user=user,
                    reads_version=None if reads.checked else reads.version,
                    **form.service_kwargs(),
                )
            except services.StaleSignUpReads:
                return None
            except services.RegistrationError as exc:
                if exc.code != "duplicate":
                    form.add_error(None, exc.message)
                else:
                    # Same answer as a new registration: a stranger learns nothing; the owner
                    # of the address has been mailed their link.
                    return _done(event, form.cleaned_data["email"])
            else:
                return _done(event, form.cleaned_data["email"])
        return self._unless_stale(reads, lambda: _form_page(request, _whole(slug), form))

    def _unless_stale(self, reads: selectors.SignUpReads, answer) -> HttpResponse | None:
        """``answer()``, unless ``reads`` is a kept copy that is no longer the database's: an
        answer that saves nothing checks the version itself, as no lock statement did."""
        if not reads.checked:
            current = selectors.sign_up_reads(slug=self.slug, kept=False)
            if current is None or current.version != reads.version:
                return None
        return answer()


def _whole(slug: str) -> Event:
    """The event as the sign-up page shows it: a sign-up read only the rules' fields."""
    return get_object_or_404(selectors.event_for_signup_page(slug=slug))


DONE_COOKIE = "registration_email"
DONE_SALT = "registration.done"


def _done(event: Event, email: str):
    """Redirect to the thank-you page, which names the address the mail went to.

    A signed cookie rather than the session: no session row to write for every sign-up.
    """
    url = reverse("registration:done", kwargs={"slug": event.slug})
    response = redirect(url)
    response.set_signed_cookie(
        DONE_COOKIE,
        email,
        salt=DONE_SALT,
        max_age=600,
        path=url,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def done(request, slug: str):
    event = get_object_or_404(Event, slug=slug, is_published=True)
    email = request.get_signed_cookie(DONE_COOKIE, default="", salt=DONE_SALT, max_age=600)
    return render(request, "registration/done.html", {"event": event, "email": email})


def _open(request, token: str):
    """The registration a link opens, or the page that explains why it does not.

    The page speaks the registration's language, as its mails do, unless the reader has chosen
    one with the language switcher (its cookie then wins)."""
    try:
        registration = links.registration_from_token(token=token)
    except links.LinkExpired:
        return None, render(request, "registration/link_expired.html", status=410)
    except links.LinkInvalid:
        return None, render(request, "registration/link_invalid.html", status=404)
    if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES:
        translation.activate(registration.language)
        request.LANGUAGE_CODE = translation.get_language()
    return registration, None


def _manage_context(registration: Registration, token: str) -> dict:
    event = registration.event
    over = services.event_is_over(event=event)
    waiting = registration.status == Registration.Status.WAITLISTED
    return {
        "waitlist_position": (
            selectors.registration_waitlist_position(registration=registration) if waiting else None
        ),
        "registration": registration,
        "event": event,
        "token": token,
        "answers": registration.answers.select_related("question").order_by(
            "question__order", "question__pk"
        ),
        "show_join": registration.status == Registration.Status.APPROVED and not over,
        "can_cancel": registration.status in services.ACTIONS["cancel"][0] and not over,
        "can_edit": not over,
        "event_over": over,
        # A cancelled registrant's calendar file removes the webinar; nothing to add any more.
        "offer_calendar": registration.status != Registration.Status.CANCELLED,
        "can_register_again": registration.status == Registration.Status.CANCELLED
        and event.registration_is_open(),
        "certificates": _certificates(registration),
    }


def _certificates(registration: Registration) -> list:
    # The certificates app builds on registrations; read here only to offer the download.
    from certificates.selectors import registration_certificates

    return registration_certificates(registration=registration)


def manage(request, token: str):
    registration, refusal = _open(request, token)
    if refusal:
        return refusal
    response = render(request, "registration/manage.html", _manage_context(registration, token))
    response["Cache-Control"] = "private, no-store"
    # The link must not leak to other sites (the join link, a speaker's page); to this site a
    # browser must still say where a form comes from, or "no-referrer" makes it send
    # "Origin: null" and the CSRF check refuses the page's own forms (language, register again).
    response["Referrer-Policy"] = "same-origin"
    return response


@require_http_methods(["GET", "POST"])
def edit(request, token: str):
    registration, refusal = _open(request, token)
    if refusal:
        return refusal
    if services.event_is_over(event=registration.event):
        return redirect(reverse("registration:manage", kwargs={"token": token}))
    questions = selectors.event_questions(event=registration.event)
    answers = {a.question_id: a.value for a in registration.answers.all()}
    if request.method == "POST":
        form = DetailsForm(
            request.POST, instance=registration, questions=questions, answers=answers
        )
        if form.is_valid():
            services.registration_update_details(
                registration=Registration.objects.get(pk=registration.pk),
                **form.service_kwargs(),
            )
            messages.success(request, _("Your details have been saved."))
            return redirect(reverse("registration:manage", kwargs={"token": token}))
    else:
        form = DetailsForm(instance=registration, questions=questions, answers=answers)
    context = {"registration": registration, "event": registration.event, "form": form}
    return render(request, "registration/edit.html", context)


@require_http_methods(["GET", "POST"])
def cancel(request, token: str):
    registration, refusal = _open(request, token)
    if refusal:
        return refusal
    refused = ""
    if request.method == "POST":
        try:
            cancelled = services.registration_cancel(registration=registration)
        except services.RegistrationError as exc:
            refused = str(exc.message)
        else:
            if cancelled:
                messages.success(
                    request,
                    _(
                        "Your registration has been cancelled. We have sent you a confirmation; "
                        "you may register again while registration is open."
                    ),
                )
            return redirect(reverse("registration:manage", kwargs={"token": token}))
    elif services.event_is_over(event=registration.event):
        refused = str(services.EVENT_OVER_MESSAGE)
    return render(
        request,
        "registration/cancel.html",
        {
            "registration": registration,
            "event": registration.event,
            "token": token,
            "refused": refused,
        },
        status=409 if refused else 200,
    )


@require_http_methods(["POST"])
def reactivate(request, token: str):
    """Register again after cancelling: the same registration, as the rules allow."""
    registration, refusal = _open(request, token)
    if refusal:
        return refusal
    try:
        registration = services.registration_reactivate(registration=registration)
    except services.RegistrationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("You are registered again. Status: %(status)s.")
            % {"status": registration.status_wording},
        )
    return redirect(reverse("registration:manage", kwargs={"token": token}))


@require_http_methods(["GET", "POST"])
def erase(request, token: str):
    registration, refusal = _open(request, token)
    if refusal:
        return refusal
    if request.method == "POST":
        services.registration_erase(registration=registration)
        return render(request, "registration/erased.html", {"event": registration.event})
    return render(
        request,
        "registration/erase.html",
        {"registration": registration, "event": registration.event, "token": token},
    )


def calendar(request, token: str):
    registration, refusal = _open(request, token)
    if refusal:
        return refusal
    response = HttpResponse(
        registration_ics(registration=registration), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{registration.event.slug}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def mine(request):
    registrations = selectors.user_registrations(user=request.user)
    rows = [(r, links.manage_path(registration=r)) for r in registrations]
    return render(request, "registration/mine.html", {"rows": rows})
