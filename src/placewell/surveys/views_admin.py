"""Administrator pages: loading licensed wording, and each service's survey waves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from placewell.accounts.http import AuthenticatedHttpRequest
from placewell.accounts.models import Service
from placewell.accounts.policy import Perm, require
from placewell.engine.measures import INSTRUMENTS
from placewell.surveys import services
from placewell.surveys.errors import SurveyError
from placewell.surveys.forms import WaveForm, WordingForm
from placewell.surveys.models import SurveyWave
from placewell.surveys.questionnaire import is_licensed, latest_wordings
from placewell.ui.forms import apply_error


@login_required
def wording_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    licensed = [i for i in INSTRUMENTS.values() if is_licensed(i)]
    loaded = latest_wordings([i.id for i in licensed])
    rows = [(i, loaded.get(i.id)) for i in licensed]
    shipped = [i for i in INSTRUMENTS.values() if not is_licensed(i)]
    return render(request, "surveys/wording_list.html", {"rows": rows, "shipped": shipped})


@login_required
def wording_load(request: AuthenticatedHttpRequest, instrument: str) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    chosen = INSTRUMENTS.get(instrument)
    if chosen is None or not is_licensed(chosen):
        raise Http404("No licensed instrument with this id")
    form = WordingForm(request.POST or None, instrument=chosen)
    if request.method == "POST" and form.is_valid():
        try:
            services.load_licensed_wording(
                by=request.user,
                instrument_id=chosen.id,
                title=form.cleaned_data["title"],
                stem=form.cleaned_data["stem"],
                items=form.items(),
                licence_reference=form.cleaned_data["licence_reference"],
                request=request,
            )
        except SurveyError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"Licensed wording of {chosen.title} loaded")
            return redirect("surveys:wording_list")
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"Load the licensed wording of {chosen.title}",
            "intro": "Copy the wording from your organisation's licensed copy. Participants see it from now on; "
            "responses already given keep the wording they were shown.",
            "button": "Load wording",
            "back_url": reverse("surveys:wording_list"),
        },
    )


@login_required
def wave_list(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    service = get_object_or_404(Service, pk=pk)
    if request.method == "POST":
        services.ensure_default_waves(by=request.user, service=service)
        messages.success(request, f"Survey waves set up for {service.name}")
        return redirect("surveys:wave_list", pk=service.pk)
    waves = list(SurveyWave.objects.filter(service=service))
    titles = {k: i.title for k, i in INSTRUMENTS.items()}
    rows = [(w, [titles.get(i, i) for i in w.instruments]) for w in waves]
    return render(request, "surveys/wave_list.html", {"service": service, "waves": rows})


@login_required
def wave_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.CONFIGURE)
    wave = get_object_or_404(SurveyWave.objects.select_related("service"), pk=pk)
    form = WaveForm(request.POST or None, instance=SurveyWave.objects.get(pk=pk))
    if request.method == "POST" and form.is_valid():
        changes = {f: form.cleaned_data[f] for f in form.changed_data}
        try:
            services.update_wave(by=request.user, wave=wave, changes=changes, request=request)
        except SurveyError as exc:
            apply_error(form, exc)
        else:
            messages.success(request, f"{wave.name} saved")
            return redirect("surveys:wave_list", pk=wave.service_id)
    return render(
        request,
        "ui/form_page.html",
        {
            "form": form,
            "title": f"Settings of the {wave.name.lower()}",
            "caption": wave.service.name,
            "button": "Save",
            "back_url": reverse("surveys:wave_list", args=[wave.service_id]),
        },
    )
