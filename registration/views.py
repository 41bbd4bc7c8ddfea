from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language

from registration import services
from registration.forms import RegistrationForm
from webinar.models import Event


def register(request, slug: str):
    event = get_object_or_404(Event, slug=slug, is_published=True)
    if not event.registration_is_open():
        return render(request, "registration/closed.html", {"event": event}, status=410)
    if request.method == "POST":
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                registration = services.register(event=event, **form.cleaned_data)
            except services.RegistrationError as exc:
                form.add_error("email" if exc.code == "duplicate" else None, exc.message)
            else:
                request.session["registration_done"] = registration.pk
                return redirect(reverse("registration:done", kwargs={"slug": event.slug}))
    else:
        form = RegistrationForm(initial={"language": (get_language() or "en")[:2]})
    return render(request, "registration/register.html", {"event": event, "form": form})


def done(request, slug: str):
    event = get_object_or_404(Event, slug=slug, is_published=True)
    registration = event.registrations.filter(pk=request.session.get("registration_done")).first()
    return render(request, "registration/done.html", {"event": event, "registration": registration})
