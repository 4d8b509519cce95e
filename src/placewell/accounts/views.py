"""Signing in and out, two-factor sign-in, the user's account page and the audit log."""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from placewell.accounts import audit
from placewell.accounts.forms import AuditFilterForm, CodeForm, SignInForm
from placewell.accounts.models import AuditEvent
from placewell.accounts.policy import Perm, audit_scope, require
from placewell.ui.forms import apply_govuk_messages


class SignInView(auth_views.LoginView):
    template_name = "accounts/login.html"
    form_class = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form: SignInForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        audit.record(
            self.request.user, AuditEvent.Action.SIGN_IN, "staff", self.request.user.pk, request=self.request
        )
        return response


class SignOutView(auth_views.LogoutView):
    next_page = reverse_lazy("accounts:login")  # type: ignore[assignment]  # Django takes a lazy URL here; its stubs say str


class PasswordChange(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def get_form(self, form_class: type[PasswordChangeForm] | None = None) -> PasswordChangeForm:
        form = super().get_form(form_class)
        apply_govuk_messages(form)
        return form

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        messages.success(self.request, "Your password has been changed")
        return super().form_valid(form)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    devices = TOTPDevice.objects.filter(user=request.user, confirmed=True)
    return render(request, "accounts/account.html", {"has_two_factor": devices.exists()})


def _qr_svg(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: show a QR code and the key, then confirm with a first code."""
    device, _ = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": "Authenticator app"}
    )
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            TOTPDevice.objects.filter(user=request.user, confirmed=True).delete()
            device.confirmed = True
            device.save()
            otp_login(request, device)
            audit.record(
                request.user,
                AuditEvent.Action.CONFIGURE,
                "staff",
                request.user.pk,
                summary="Set up two-factor sign-in",
                request=request,
            )
            messages.success(
                request, "Two-factor sign-in is set up. You will be asked for a code each time you sign in."
            )
            return redirect("accounts:account")
        form.add_error(
            "code", "That code is not right. Check the time on your phone and enter the newest code"
        )
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    grouped = " ".join(key[i : i + 4] for i in range(0, len(key), 4))
    return render(
        request,
        "accounts/two_factor_setup.html",
        {"form": form, "qr": _qr_svg(device.config_url), "key": grouped},
    )


@login_required
def two_factor_verify(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST or None)
    next_url = request.GET.get("next") or "/"
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = "/"
    if request.method == "POST" and form.is_valid():
        for device in TOTPDevice.objects.filter(user=request.user, confirmed=True):
            if device.verify_token(form.cleaned_data["code"]):
                otp_login(request, device)
                return redirect(next_url)
        form.add_error("code", "That code is not right. Enter the newest code from your authenticator app")
    return render(request, "accounts/two_factor_verify.html", {"form": form})


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AUDIT)
    form = AuditFilterForm(request.GET or None)
    events = AuditEvent.objects.filter(audit_scope(request.user))
    if form.is_valid():
        data = form.cleaned_data
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["record_type"]:
            events = events.filter(record_type__iexact=data["record_type"].strip())
        if data["actor"]:
            events = events.filter(actor_label__icontains=data["actor"].strip())
        if data["date_from"]:
            events = events.filter(at__date__gte=data["date_from"])
        if data["date_to"]:
            events = events.filter(at__date__lte=data["date_to"])
        if data["participant"]:
            from placewell.participants.models import Participant

            ids = list(
                Participant.objects.filter(reference__iexact=data["participant"].strip()).values_list(
                    "pk", flat=True
                )
            )
            events = events.filter(Q(participant_id__in=ids))
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/audit.html", {"form": form, "page": page, "query": query.urlencode()})
