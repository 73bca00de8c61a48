"""The one form renderer (coordination.forms.PortalFormRenderer, templates/forms/field.html)."""

import re

from django import forms


class PhoneForm(forms.Form):
    phone = forms.CharField(label="電話番号", help_text="例: 093-000-0000", max_length=5)


def test_a_fields_error_is_the_description_its_input_points_at(db):
    form = PhoneForm(data={"phone": "093-582-2018"})
    html = str(form["phone"].as_field_group())
    described = re.search(r'<input[^>]*aria-describedby="([^"]+)"', html).group(1).split()
    # Every id the input names exists on the page, the error's among them, so a screen reader
    # reads the message with the field.
    assert len(described) == 2
    for element_id in described:
        assert f'id="{element_id}"' in html, element_id
    assert "errorlist" in html[html.index(f'id="{described[1]}"') - 40 :]


def test_a_phone_number_is_folded_and_one_that_is_no_number_is_refused():
    import pytest

    from coordination.forms import clean_phone

    assert clean_phone("０９３－５８２－２０１８") == "093-582-2018"
    assert clean_phone("090(1234)5678") == "090-1234-5678"
    assert clean_phone("") == ""
    for bad in ("電話はありません", "582-2018", "093-582-2018（代表）", "93-582-2018"):
        with pytest.raises(forms.ValidationError, match="市外局番からの数字とハイフン"):
            clean_phone(bad)


def test_a_form_wide_error_travels_as_a_message_without_a_field_name(rf):
    from django import forms
    from django.contrib.messages import get_messages
    from django.contrib.messages.storage.fallback import FallbackStorage

    from coordination.forms import errors_to_messages

    class Period(forms.Form):
        start = forms.IntegerField(label="開始")
        end = forms.IntegerField(label="終了")

        def clean(self):
            data = super().clean()
            if data.get("start", 0) > data.get("end", 0):
                raise forms.ValidationError("終了は開始より後にしてください。")
            return data

    request = rf.post("/")
    request.session = {}
    request._messages = FallbackStorage(request)
    form = Period({"start": "0", "end": "1x"})
    form.is_valid()
    errors_to_messages(request, form, "期間")
    form = Period({"start": "5", "end": "1"})
    form.is_valid()
    errors_to_messages(request, form, "期間")
    texts = [m.message for m in get_messages(request)]
    assert texts == ["期間: 終了：整数を入力してください。", "期間: 終了は開始より後にしてください。"]


class StaleForm(forms.Form):
    name = forms.CharField(label="名称")
    version = forms.IntegerField(
        widget=forms.HiddenInput, error_messages={"invalid": "画面が古くなっています。開き直してください。"}
    )


def test_a_hidden_fields_error_is_said_above_the_form_and_not_as_a_bare_banner(db):
    html = str(StaleForm(data={"name": "東センター", "version": "x"}))
    banner = html[html.index('class="form-errors"') :]
    # The hidden field has no place to show its message: without this, the page said only
    # 「各項目のメッセージを確認してください」 and no item had one.
    assert "画面が古くなっています。開き直してください。" in banner
    assert "各項目のメッセージ" not in html
    assert html.count("画面が古くなっています") == 1


def test_with_the_banner_above_a_hidden_fields_error_stays_in_its_form(db):
    from django.template.loader import render_to_string

    # The community form's parts: included with banner_above, not rendered through the renderer.
    html = render_to_string(
        "forms/form.html",
        {"form": StaleForm(data={"name": "東センター", "version": "x"}), "banner_above": True},
    )
    assert "form-errors" not in html
    assert (
        '<ul class="errorlist" role="alert"><li>画面が古くなっています。開き直してください。</li></ul>'
        in html
    )
