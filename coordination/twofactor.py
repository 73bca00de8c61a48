"""Two-factor authentication (TOTP with django-otp): enrolment with a QR code and backup codes,
and the verification step after the password. The QR code is drawn here (coordination.qr, an SVG data
URI), so the secret never leaves the portal."""

from base64 import b32encode

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from coordination.forms import post_data
from coordination.models import AuditEvent
from coordination.qr import qr_data_uri
from coordination.security import audit, with_next

BACKUP_CODES = 10


class CodeForm(forms.Form):
    code = forms.CharField(
        label="確認コード",
        max_length=16,
        help_text="認証アプリに表示される6桁の数字、またはバックアップコード",
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def clean_code(self):
        return self.cleaned_data["code"].strip().replace(" ", "")


def _next(request):
    target = request.GET.get("next") or request.POST.get("next") or "/"
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return "/"
    return target


@never_cache
@login_required
def setup(request):
    user = request.user
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return redirect(with_next(reverse("two_factor_verify"), _next(request)))
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first() or TOTPDevice.objects.create(
        user=user, name="認証アプリ", confirmed=False
    )
    form = CodeForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            StaticDevice.objects.filter(user=user).delete()
            backup = StaticDevice.objects.create(user=user, name="バックアップコード")
            codes = [StaticToken.random_token() for _ in range(BACKUP_CODES)]
            StaticToken.objects.bulk_create(StaticToken(device=backup, token=c) for c in codes)
            otp_login(request, device)
            audit(request, AuditEvent.Action.TWO_FACTOR, detail="二要素認証を登録")
            return render(request, "registration/2fa_codes.html", {"codes": codes, "next": _next(request)})
        form.add_error("code", "確認コードが正しくありません。認証アプリの最新のコードを入力してください。")
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "registration/2fa_setup.html",
        {"form": form, "qr": qr_data_uri(device.config_url), "secret": secret, "next": _next(request)},
    )


@never_cache
@login_required
def verify(request):
    user = request.user
    if user.is_verified():
        return redirect(_next(request))
    devices = list(TOTPDevice.objects.filter(user=user, confirmed=True)) + list(
        StaticDevice.objects.filter(user=user)
    )
    if not devices:
        return redirect(with_next(reverse("two_factor_setup"), _next(request)))
    form = CodeForm(post_data(request))
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        # A TOTP code is refused when it (or an earlier one) was already used: django-otp keeps
        # the last time step; a backup code is deleted once used.
        device = next((d for d in devices if d.verify_token(code)), None)
        if device:
            otp_login(request, device)
            kind = "バックアップコード" if isinstance(device, StaticDevice) else "認証アプリ"
            audit(request, AuditEvent.Action.TWO_FACTOR, detail=f"{kind}で確認")
            if isinstance(device, StaticDevice):
                left = device.token_set.count()
                messages.warning(request, f"バックアップコードを使いました（残り{left}個）。")
            return redirect(_next(request))
        audit(request, AuditEvent.Action.TWO_FACTOR, detail="確認コードの誤り")
        form.add_error(
            "code", "確認コードが正しくないか、すでに使われています。新しいコードを入力してください。"
        )
    return render(request, "registration/2fa_verify.html", {"form": form, "next": _next(request)})
