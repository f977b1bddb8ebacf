"""Forms of the province office's pages and of the password-by-code page. They read and check
input only; `communes.office` and `communes.accounts` write."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .accounts import CODE_LENGTH, normalise_code
from .models import Commune, Province, Role, Village
from .office import MAX_DECISION, Classification

GROUP_CHOICES = [("", _("Chưa xếp nhóm")), ("1", "1"), ("2", "2"), ("3", "3")]


def decision_field() -> forms.CharField:
    return forms.CharField(
        label=_("Căn cứ / số quyết định"),
        max_length=MAX_DECISION,
        help_text=_("Ví dụ: Quyết định số 123/QĐ-UBND ngày 15/01/2026 của UBND tỉnh."),
        error_messages={
            "required": _("Hãy ghi căn cứ / số quyết định của thay đổi."),
            "max_length": _("Căn cứ / số quyết định quá dài (tối đa %(limit_value)d ký tự)."),
        },
    )


class ClassificationForm(forms.Form):
    """One commune's group and flags, with the decision that sets them."""

    commune_group = forms.TypedChoiceField(
        label=_("Nhóm xã (2026-2030)"), choices=GROUP_CHOICES, coerce=int, empty_value=None, required=False
    )
    is_especially_difficult = forms.BooleanField(label=_("Xã đặc biệt khó khăn (ĐBKK)"), required=False)
    is_safe_zone = forms.BooleanField(label=_("Xã an toàn khu (ATK)"), required=False)
    decision = decision_field()

    @classmethod
    def for_commune(cls, commune: Commune, data=None) -> ClassificationForm:
        initial = {
            "commune_group": commune.commune_group,
            "is_especially_difficult": commune.is_especially_difficult,
            "is_safe_zone": commune.is_safe_zone,
        }
        return cls(data, initial=initial)

    def classification(self) -> Classification:
        data = self.cleaned_data
        return Classification(
            commune_group=data["commune_group"],
            is_especially_difficult=data["is_especially_difficult"],
            is_safe_zone=data["is_safe_zone"],
        )


class DecisionForm(forms.Form):
    """The confirm step of an upload: the decision the whole file applies."""

    token = forms.CharField(widget=forms.HiddenInput, max_length=64)
    decision = decision_field()


class VillageChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Village) -> str:
        return f"{obj.commune.name} — {obj.name}"


KINDS = [
    (Role.Kind.COMMUNE_OFFICER, Role.Kind.COMMUNE_OFFICER.label),
    (Role.Kind.VILLAGE_HEAD, Role.Kind.VILLAGE_HEAD.label),
]


class AccountForm(forms.Form):
    """A new commune officer or village head of the province. No password: the account gets a
    one-time code with which its user chooses one."""

    KINDS = KINDS

    username = forms.CharField(
        label=_("Tên đăng nhập"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Tối đa 150 ký tự: chữ, số và @ . + - _ (ví dụ: canbo.sonbang)."),
    )
    full_name = forms.CharField(label=_("Họ và tên"), max_length=150)
    email = forms.EmailField(label=_("Thư điện tử (không bắt buộc)"), max_length=254, required=False)
    kind = forms.ChoiceField(label=_("Vai trò"), choices=KINDS)
    commune = forms.ModelChoiceField(
        label=_("Xã (cán bộ NTM xã)"), queryset=Commune.objects.none(), to_field_name="code", required=False
    )
    village = VillageChoiceField(
        label=_("Thôn (trưởng thôn)"), queryset=Village.objects.none(), to_field_name="code", required=False
    )

    def __init__(self, *args, province: Province, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = Commune.objects.filter(province=province).order_by("name")
        self.fields["village"].queryset = (
            Village.objects.filter(commune__province=province)
            .select_related("commune")
            .order_by("commune__name", "name")
        )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError(_("Tên đăng nhập này đã có người dùng."))
        return username

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == Role.Kind.COMMUNE_OFFICER:
            data["village"] = None
            if not data.get("commune"):
                self.add_error("commune", _("Chọn xã của cán bộ NTM xã."))
        elif kind == Role.Kind.VILLAGE_HEAD:
            data["commune"] = None
            if not data.get("village"):
                self.add_error("village", _("Chọn thôn của trưởng thôn."))
        return data


class RoleAddForm(forms.Form):
    """A further role for an existing account: the kind and the unit, named by its code (the
    accounts page suggests the province's communes and villages by name)."""

    kind = forms.ChoiceField(label=_("Vai trò"), choices=KINDS)
    unit = forms.CharField(
        label=_("Mã xã (cán bộ NTM xã) hoặc mã thôn (trưởng thôn)"),
        max_length=20,
        error_messages={"required": _("Chọn xã hoặc thôn của vai trò.")},
    )

    def __init__(self, *args, province: Province, **kwargs):
        super().__init__(*args, **kwargs)
        self.province = province

    def clean(self):
        data = super().clean()
        kind, code = data.get("kind"), (data.get("unit") or "").strip()
        data["commune"] = data["village"] = None
        if not kind or not code:
            return data
        if kind == Role.Kind.COMMUNE_OFFICER:
            data["commune"] = Commune.objects.filter(province=self.province, code=code).first()
            if data["commune"] is None:
                self.add_error("unit", _("Tỉnh không có xã mã %(code)s.") % {"code": code})
        else:
            data["village"] = Village.objects.filter(commune__province=self.province, code=code).first()
            if data["village"] is None:
                self.add_error("unit", _("Tỉnh không có thôn mã %(code)s.") % {"code": code})
        return data


class CodeResetForm(forms.Form):
    """Setting one's password with the code the province office handed over."""

    username = forms.CharField(label=_("Tên đăng nhập"), max_length=150)
    code = forms.CharField(label=_("Mã đặt lại mật khẩu"), max_length=20)
    new_password1 = forms.CharField(
        label=_("Mật khẩu mới"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label=_("Nhập lại mật khẩu mới"),
        max_length=128,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = gettext(
            "Mã %(length)s ký tự văn phòng điều phối tỉnh đã đưa cho bạn, ví dụ ABCD-EFGH."
        ) % {"length": CODE_LENGTH}
        self.fields["new_password1"].help_text = password_validation.password_validators_help_text_html()

    def clean_code(self) -> str:
        code = normalise_code(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(_("Mã gồm %(length)s ký tự.") % {"length": CODE_LENGTH})
        return code

    def clean_new_password2(self) -> str:
        first, second = self.cleaned_data.get("new_password1"), self.cleaned_data["new_password2"]
        if first and first != second:
            raise forms.ValidationError(_("Hai mật khẩu không khớp."))
        # The rules that do not depend on the account; the others run once the code is right.
        password_validation.validate_password(second)
        return second
