"""The daily photo report form: who reports (when the user may post for several), the day, the
work item and quantity (read by criteria/parsing.py like the weekly form), a note and the photo."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communes.models import Village

from .forms import VNDecimalField, column_digits
from .models import DailyReport, WorkItem
from .photos import photo_process

PHOTO_LABEL = _("Ảnh")
REPLACE_PHOTO_LABEL = _("Ảnh mới")


class DailyReportForm(forms.Form):
    sender = forms.ChoiceField(label=_("Báo cáo của"))
    day = forms.DateField(
        label=_("Ngày"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "invalid": _("Ngày: nhập ngày theo dạng ngày/tháng/năm."),
            "required": _("Ngày: hãy chọn ngày."),
        },
    )
    work_item = forms.TypedChoiceField(
        label=_("Hạng mục công việc"), required=False, coerce=int, empty_value=None
    )
    quantity = VNDecimalField(
        label=_("Khối lượng thực hiện"),
        required=False,
        **column_digits(DailyReport, "quantity"),
        error_messages={"invalid": _("Khối lượng: nhập một số, ví dụ 3.200 hoặc 0,38.")},
    )
    note = forms.CharField(label=_("Ghi chú"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photo = forms.FileField(
        label=PHOTO_LABEL,
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/*", "capture": "environment"}),
        help_text=_("Chụp hoặc chọn một ảnh; ảnh được thu nhỏ khi lưu."),
    )
    keep_location = forms.BooleanField(
        label=_("Giữ vị trí chụp ảnh"),
        required=False,
        help_text=_("Không đánh dấu: vị trí GPS trong ảnh bị xóa khi lưu."),
    )

    def __init__(
        self,
        *args,
        senders: dict[str, object],
        items: list[WorkItem],
        allocated: dict[int, set[int]],
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.senders, self.items, self.allocated = senders, {item.pk: item for item in items}, allocated
        self.fields["sender"].choices = [(key, _sender_label(sender)) for key, sender in senders.items()]
        if len(senders) == 1:
            self.fields["sender"].widget = forms.HiddenInput()
        self.fields["work_item"].choices = [("", "—")] + [
            (item.pk, f"{item.name} ({item.unit})") for item in self._offered_items()
        ]
        self.fields["work_item"].error_messages["invalid_choice"] = _(
            "Hạng mục: lựa chọn này không có trong danh sách của kế hoạch; hãy chọn lại."
        )

    def _offered_items(self) -> list[WorkItem]:
        """A village sees the items allocated to it; an officer or a reporter, all items."""
        villages = [sender for sender in self.senders.values() if isinstance(sender, Village)]
        if len(self.senders) == 1 and villages:
            ids = self.allocated.get(villages[0].pk, set())
            return [item for item in self.items.values() if item.pk in ids]
        return list(self.items.values())

    def clean_photo(self):
        return photo_process(self.cleaned_data.get("photo"), label=str(PHOTO_LABEL))

    def clean_day(self):
        day = self.cleaned_data["day"]
        if day > timezone.localdate():
            raise ValidationError(_("Ngày: không thể báo cáo cho ngày chưa đến."))
        return day

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("quantity") is not None and cleaned.get("work_item") is None:
            self.add_error("work_item", _("Hạng mục: chọn hạng mục cho khối lượng đã nhập."))
        sender = self.senders.get(cleaned.get("sender"))
        item_id = cleaned.get("work_item")
        if isinstance(sender, Village) and item_id and item_id not in self.allocated.get(sender.pk, set()):
            self.add_error("work_item", _("Hạng mục: chỉ báo cáo được các hạng mục đã giao cho thôn."))
        return cleaned

    def post_args(self) -> dict:
        """The service's arguments from the cleaned form."""
        sender = self.senders[self.cleaned_data["sender"]]
        reporter = None if isinstance(sender, Village) else sender
        village = sender if reporter is None else _single_village(reporter)
        item = self.items.get(self.cleaned_data["work_item"]) if self.cleaned_data["work_item"] else None
        return {
            "village": village,
            "reporter": reporter,
            "day": self.cleaned_data["day"],
            "work_item": item,
            "quantity": self.cleaned_data["quantity"],
            "note": self.cleaned_data["note"].strip(),
            "photo": self.cleaned_data["photo"],
            "keep_location": self.cleaned_data["keep_location"],
        }


class DailyReportEditForm(DailyReportForm):
    """Correcting a daily report: its sender stays (shown, not changeable), a new photo is
    optional (the same processing as posting), and unticking "keep location" deletes the
    stored position for good."""

    def __init__(
        self, *args, report: DailyReport, items: list[WorkItem], allocated: dict[int, set[int]], **kwargs
    ):
        sender = report.reporter or report.village
        key = f"r{report.reporter_id}" if report.reporter_id else f"v{report.village_id}"
        kwargs.setdefault(
            "initial",
            {
                "sender": key,
                "day": report.day,
                "work_item": report.work_item_id,
                "quantity": report.quantity,
                "note": report.note,
                "keep_location": report.keep_location,
            },
        )
        super().__init__(*args, senders={key: sender}, items=items, allocated=allocated, **kwargs)
        self.fields["sender"].disabled = True
        self.fields["photo"].label = REPLACE_PHOTO_LABEL
        self.fields["photo"].help_text = _(
            "Không bắt buộc: để trống thì giữ ảnh cũ; ảnh mới được thu nhỏ khi lưu."
        )
        self.fields["keep_location"].help_text = _(
            "Bỏ đánh dấu: vị trí đã lưu bị xóa hẳn. Đánh dấu lại không lấy lại được vị trí đã xóa "
            "(chỉ vị trí của một ảnh mới chọn)."
        )

    def clean_photo(self):
        if not self.cleaned_data.get("photo"):
            return None
        return photo_process(self.cleaned_data["photo"], label=str(REPLACE_PHOTO_LABEL))

    def edit_args(self) -> dict:
        """The edit service's arguments from the cleaned form."""
        item_id = self.cleaned_data["work_item"]
        return {
            "day": self.cleaned_data["day"],
            "work_item": self.items.get(item_id) if item_id else None,
            "quantity": self.cleaned_data["quantity"],
            "note": self.cleaned_data["note"].strip(),
            "photo": self.cleaned_data["photo"],
            "keep_location": self.cleaned_data["keep_location"],
        }


def _sender_label(sender) -> str:
    if isinstance(sender, Village):
        return str(_("Ban phát triển thôn %(village)s") % {"village": sender.name})
    return sender.name


def _single_village(reporter) -> Village | None:
    """A reporter assigned to exactly one village posts under that village in the feed."""
    villages = list(reporter.villages.all())
    return villages[0] if len(villages) == 1 else None
