"""The province office runs its communes' groups and flags and its people's accounts without
the Django admin: who may open the pages, the one-by-one edit and the Excel round trip with its
preview, cell errors and atomic confirm (re-evaluation and history included), accounts with
one-time codes and their redeem page, refusals that never become a 500, and query budgets."""

import io
import re
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from communes import accounts
from communes.accounts import CODE_ALPHABET, CODE_LENGTH
from communes.models import AdminMap, Commune, OneTimeCode, Role
from communes.signals import classification_changed
from criteria.models import Assessment
from reports.excel import commune_groups

from ..conftest import count_queries, log_in
from ..excel_helpers import assess
from ..factories import CommuneFactory, DistrictFactory, ProvinceFactory, VillageFactory, user_with_role

SHEET = "Nhóm xã"
FIRST = commune_groups.FIRST_DATA_ROW
WRONG_CODE = "Tên đăng nhập hoặc mã không đúng, hoặc mã đã dùng hay đã hết hạn."
DECISION = "Quyết định số 123/QĐ-UBND ngày 15/01/2026 của UBND tỉnh"
NEW_PASSWORD = "Lua-chin-vang-2026"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def other(cast):
    """Another province with its office, a commune and an officer there."""
    province = ProvinceFactory(name="Nghệ An", code="40")
    commune = CommuneFactory(name="Diễn Châu", district=DistrictFactory(province=province))
    return type(
        "Other",
        (),
        {
            "province": province,
            "commune": commune,
            "office": user_with_role("office_other", Role.Kind.PROVINCE_OFFICE, province=province),
            "officer": user_with_role("officer_other", Role.Kind.COMMUNE_OFFICER, commune=commune),
        },
    )


@pytest.fixture
def signals():
    """The communes every `classification_changed` announced, in order."""
    sent: list[list[int]] = []

    def receiver(sender, *, commune_ids, **kwargs):
        sent.append(sorted(commune_ids))

    classification_changed.connect(receiver, dispatch_uid="test_province_office")
    yield sent
    classification_changed.disconnect(dispatch_uid="test_province_office")


def url(name: str, *args) -> str:
    return reverse(name, args=args)


def page_of(response) -> str:
    return response.content.decode()


def classification(commune) -> tuple:
    commune = Commune.objects.get(pk=commune.pk)
    return commune.commune_group, commune.is_especially_difficult, commune.is_safe_zone


# --- Access -------------------------------------------------------------------------------


def office_pages(cast) -> list[str]:
    key = cast.province.key
    role = Role.objects.get(user=cast.officer_a)
    return [
        url("communes:office_communes", key),
        url("communes:classification_history", key),
        url("communes:commune_classification", key, cast.commune_a.code),
        url("communes:office_accounts", key),
        url("communes:account_create", key),
        url("communes:role_deactivate", key, role.pk),
        url("reports:commune_groups_template", key),
        url("reports:commune_groups_import", key),
    ]


def test_the_pages_open_for_the_province_office_and_superusers_only(client, cast, other):
    for page in office_pages(cast):
        client.logout()
        response = client.get(page)
        assert response.status_code == 302 and response["Location"].startswith("/login/"), page
        for outsider in (cast.officer_a, cast.village_head_a, cast.district_member_a, other.office):
            client.force_login(outsider)
            assert client.get(page).status_code == 404, (page, outsider)
        for allowed in (cast.province_office, cast.admin):
            client.force_login(allowed)
            assert client.get(page).status_code == 200, (page, allowed)


def test_the_office_reaches_its_pages_from_the_menu_and_the_dashboard(client, cast):
    client.force_login(cast.province_office)
    page = page_of(client.get(url("reports:province", cast.province.key)))
    assert url("communes:office_communes", cast.province.key) in page
    assert 'data-testid="office-links"' in page and url("communes:office_accounts", cast.province.key) in page
    client.force_login(cast.officer_a)
    assert url("communes:office_communes", cast.province.key) not in page_of(client.get("/about/"))


def test_another_provinces_commune_and_its_people_are_404_through_the_office_pages(client, cast, other):
    client.force_login(cast.province_office)
    key = cast.province.key
    assert client.get(url("communes:commune_classification", key, other.commune.code)).status_code == 404
    assert client.post(url("communes:account_code", key, other.officer.pk)).status_code == 404
    role = Role.objects.get(user=other.officer)
    assert client.post(url("communes:role_deactivate", key, role.pk)).status_code == 404
    assert Role.objects.filter(pk=role.pk).exists() and not OneTimeCode.objects.exists()


# --- One commune at a time ----------------------------------------------------------------


def test_the_office_sets_a_communes_group_and_flags_citing_the_decision(client, cast, catalogue, signals):
    assessment = assess(catalogue, cast.commune_a)
    client.force_login(cast.province_office)
    edit = url("communes:commune_classification", cast.province.key, cast.commune_a.code)
    data = {"commune_group": "2", "is_especially_difficult": "on", "decision": DECISION}
    response = client.post(edit, data)
    assert response.status_code == 302
    assert classification(cast.commune_a) == (2, True, False)
    assert signals == [[cast.commune_a.pk]]
    # Its assessments wait for re-evaluation (the task runs when the transaction commits).
    assert Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()
    record = Commune.history.filter(id=cast.commune_a.pk).latest("history_id")
    assert record.history_user == cast.province_office and record.history_change_reason == DECISION
    assert timezone.now() - record.history_date < timedelta(minutes=1)
    page = page_of(client.get(edit))
    assert "Nhóm xã: — → <strong>2</strong>" in page and "Xã ĐBKK: Không → <strong>Có</strong>" in page
    assert DECISION in page and "province_office" in page


def test_an_edit_without_a_decision_or_with_a_too_long_one_changes_nothing(client, cast, signals):
    client.force_login(cast.province_office)
    edit = url("communes:commune_classification", cast.province.key, cast.commune_a.code)
    response = client.post(edit, {"commune_group": "1"})
    assert response.status_code == 400 and "Hãy ghi căn cứ / số quyết định" in page_of(response)
    response = client.post(edit, {"commune_group": "1", "decision": "Q" * 5000})
    assert response.status_code == 400 and "quá dài (tối đa 300 ký tự)" in page_of(response)
    response = client.post(edit, {"commune_group": "7", "decision": DECISION})
    assert response.status_code == 400
    assert classification(cast.commune_a) == (None, False, False) and signals == []


def test_an_edit_that_changes_nothing_records_nothing(client, cast, signals):
    client.force_login(cast.province_office)
    edit = url("communes:commune_classification", cast.province.key, cast.commune_a.code)
    before = Commune.history.count()
    assert client.post(edit, {"commune_group": "", "decision": DECISION}).status_code == 302
    assert Commune.history.count() == before and signals == []


def test_the_history_keeps_the_state_before_a_first_change_of_a_loaded_commune(client, cast):
    # Communes written by the loaders' bulk writes have no history of their own.
    Commune.objects.filter(pk=cast.commune_b.pk).update(commune_group=3)
    Commune.history.filter(id=cast.commune_b.pk).delete()
    client.force_login(cast.province_office)
    edit = url("communes:commune_classification", cast.province.key, cast.commune_b.code)
    client.post(edit, {"commune_group": "1", "is_safe_zone": "on", "decision": DECISION})
    page = page_of(client.get(url("communes:classification_history", cast.province.key)))
    assert "Nhóm xã: 3 → <strong>1</strong>" in page and "Xã ATK: Không → <strong>Có</strong>" in page
    assert cast.commune_b.name in page and DECISION in page


# --- Excel ------------------------------------------------------------------------------


def template(client, cast) -> bytes:
    client.force_login(cast.province_office)
    response = client.get(url("reports:commune_groups_template", cast.province.key))
    assert response.status_code == 200
    return response.content


def edit(content: bytes, change) -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(content))
    change(wb[SHEET])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def row_of(ws, code: str) -> int:
    return next(row for row in range(FIRST, ws.max_row + 1) if ws.cell(row=row, column=1).value == code)


def upload(client, cast, content: bytes):
    file = SimpleUploadedFile("nhom-xa.xlsx", content, content_type="application/octet-stream")
    return client.post(url("reports:commune_groups_import", cast.province.key), {"file": file})


def token_of(page: str) -> str:
    return page.split('name="token" value="', 1)[1].split('"', 1)[0]


def test_the_template_lists_the_provinces_communes_and_reads_back_unchanged(client, cast, other):
    Commune.objects.filter(pk=cast.commune_b.pk).update(commune_group=3, is_safe_zone=True)
    CommuneFactory(name="Xã cũ", district=cast.district_a, map=AdminMap.LEGACY)
    content = template(client, cast)
    ws = openpyxl.load_workbook(io.BytesIO(content))[SHEET]
    header = [ws.cell(row=commune_groups.HEADER_ROW, column=c).value for c in range(1, 6)]
    assert header == ["Mã xã", "Tên xã", "Nhóm xã", "ĐBKK", "ATK"]
    rows = [[ws.cell(row=r, column=c).value for c in range(1, 6)] for r in range(FIRST, ws.max_row + 1)]
    assert rows == [
        [cast.commune_b.code, "Liên Minh", 3, "Không", "Có"],
        [cast.commune_a.code, "Sơn Bằng", None, "Không", "Không"],
    ]
    response = upload(client, cast, content)
    assert response.status_code == 200 and 'data-testid="groups-no-changes"' in page_of(response)


def test_an_upload_previews_old_and_new_then_the_confirm_applies_it_all(client, cast, catalogue, signals):
    assessment = assess(catalogue, cast.commune_b)

    def change(ws):
        a, b = row_of(ws, cast.commune_a.code), row_of(ws, cast.commune_b.code)
        ws.cell(row=a, column=3).value = 1
        ws.cell(row=a, column=5).value = "x"
        ws.cell(row=b, column=3).value = "2"
        ws.cell(row=b, column=4).value = "có"

    response = upload(client, cast, edit(template(client, cast), change))
    page = page_of(response)
    assert response.status_code == 200 and 'data-testid="groups-changes"' in page
    assert "Nhóm xã: — → <strong>1</strong>" in page and "Xã ATK: Không → <strong>Có</strong>" in page
    assert "Nhóm xã: — → <strong>2</strong>" in page and "Xã ĐBKK: Không → <strong>Có</strong>" in page
    assert classification(cast.commune_a) == (None, False, False) and signals == []  # not yet
    apply = url("reports:commune_groups_apply", cast.province.key)
    response = client.post(apply, {"token": token_of(page), "decision": ""})
    assert response.status_code == 400 and "Hãy ghi căn cứ / số quyết định" in page_of(response)
    assert classification(cast.commune_a) == (None, False, False)
    response = client.post(apply, {"token": token_of(page), "decision": DECISION})
    assert response.status_code == 302 and response["Location"].endswith("/communes/")
    assert classification(cast.commune_a) == (1, False, True)
    assert classification(cast.commune_b) == (2, True, False)
    assert signals == [sorted([cast.commune_a.pk, cast.commune_b.pk])]
    assert Assessment.objects.filter(pk=assessment.pk).pending_reevaluation().exists()
    records = Commune.history.filter(history_change_reason=DECISION)
    assert {r.id for r in records} == {cast.commune_a.pk, cast.commune_b.pk}
    assert {r.history_user_id for r in records} == {cast.province_office.pk}
    # The upload is used up: a second confirm finds nothing to apply.
    response = client.post(apply, {"token": token_of(page), "decision": DECISION}, follow=True)
    assert "Không tìm thấy tệp đã tải lên" in page_of(response)


def test_cell_errors_name_the_cell_and_nothing_is_applied(client, cast, other, signals):
    stranger = CommuneFactory(
        name="Xã ngoài", district=DistrictFactory(province=other.province), code="99001"
    )

    def change(ws):
        a, b = row_of(ws, cast.commune_a.code), row_of(ws, cast.commune_b.code)
        ws.cell(row=b, column=3).value = 1  # a good change, yet not applied either
        ws.cell(row=a, column=3).value = 5
        ws.cell(row=a, column=4).value = "Có lẽ"
        last = ws.max_row
        ws.cell(row=last + 1, column=1).value = "00000"
        ws.cell(row=last + 2, column=1).value = stranger.code
        ws.cell(row=last + 3, column=1).value = cast.commune_b.code
        ws.cell(row=last + 4, column=2).value = "Xã không mã"
        ws.cell(row=last + 5, column=1).value = cast.commune_a.code  # a duplicate…
        ws.merge_cells(start_row=last + 5, start_column=3, end_row=last + 5, end_column=4)  # …merged
        change.rows = (a, last)

    before = Commune.history.count()
    response = upload(client, cast, edit(template(client, cast), change))
    page = page_of(response)
    a, last = change.rows
    assert response.status_code == 400
    assert f"Ô C{a}: nhóm xã phải là 1, 2 hoặc 3" in page
    assert f"Ô D{a}: ĐBKK phải là Có hoặc Không." in page
    assert f"Ô A{last + 1}: không có xã mã “00000” trên bản đồ hành chính hiện hành." in page
    assert f"Ô A{last + 2}: xã Xã ngoài (mã 99001) thuộc tỉnh Nghệ An, không thuộc tỉnh Hà Tĩnh." in page
    assert f"Ô A{last + 3}: xã mã {cast.commune_b.code} đã có ở dòng" in page
    assert f"Ô A{last + 4}: thiếu mã xã." in page
    assert f"Ô C{last + 5}:D{last + 5}: ô gộp không được chấp nhận" in page
    assert classification(cast.commune_b) == (None, False, False) and signals == []
    assert Commune.history.count() == before
    marked = client.get(url("reports:commune_groups_marked", cast.province.key))
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(marked.streaming_content)))[SHEET]
    cell = ws.cell(row=a, column=3)
    assert cell.fill.fgColor.rgb.endswith("FF9999") and "1, 2 hoặc 3" in cell.comment.text
    # No confirm is possible after errors.
    response = client.post(
        url("reports:commune_groups_apply", cast.province.key), {"token": "x", "decision": "y"}
    )
    assert response.status_code == 302 and classification(cast.commune_b) == (None, False, False)


def test_whole_file_refusals_say_why(client, cast, other):
    good = template(client, cast)
    client.force_login(other.office)
    theirs = client.get(url("reports:commune_groups_template", other.province.key)).content
    client.force_login(cast.province_office)
    blank = io.BytesIO()
    openpyxl.Workbook().save(blank)
    cases = [
        (b"", "Tệp rỗng"),
        (b"ma,ten\n1,a\n", "không phải là tệp Excel .xlsx"),
        (blank.getvalue(), "không đúng mẫu danh sách nhóm xã"),
        (theirs, "biểu của tỉnh khác (mã 40)"),
        (edit(good, lambda ws: setattr(ws, "title", "Khác")), "Không tìm thấy trang tính"),
    ]
    for content, message in cases:
        response = upload(client, cast, content)
        assert response.status_code == 400 and message in page_of(response), message


def test_a_confirm_after_someone_else_changed_a_previewed_commune_is_refused(client, cast, signals):
    content = edit(
        template(client, cast),
        lambda ws: setattr(ws.cell(row=row_of(ws, cast.commune_a.code), column=3), "value", 2),
    )
    page = page_of(upload(client, cast, content))
    Commune.objects.filter(pk=cast.commune_a.pk).update(commune_group=3)
    response = client.post(
        url("reports:commune_groups_apply", cast.province.key),
        {"token": token_of(page), "decision": DECISION},
    )
    assert response.status_code == 409 and "đã được sửa sau khi bạn xem trước" in page_of(response)
    assert classification(cast.commune_a) == (3, False, False) and signals == []


# --- Accounts -------------------------------------------------------------------------------


def create(client, cast, **fields):
    client.force_login(cast.province_office)
    data = {"username": "canbo.moi", "full_name": "Nguyễn Văn An", "kind": Role.Kind.COMMUNE_OFFICER} | fields
    return client.post(url("communes:account_create", cast.province.key), data)


def code_in(response) -> str:
    page = page_of(response)
    return page.split('data-testid="one-time-code">', 1)[1].split("<", 1)[0]


def redeem(client, username: str, code: str, password: str = NEW_PASSWORD, again: str | None = None):
    client.logout()
    data = {"username": username, "code": code, "new_password1": password, "new_password2": again or password}
    return client.post(url("communes:password_code"), data, REMOTE_ADDR="10.0.0.7")


def test_the_list_shows_the_provinces_people_and_what_the_office_may_do(client, cast, other):
    both = user_with_role("hai_tinh", Role.Kind.COMMUNE_OFFICER, commune=cast.commune_b)
    Role.objects.create(user=both, kind=Role.Kind.COMMUNE_OFFICER, commune=other.commune)
    staff = user_with_role("can_bo_staff", Role.Kind.VILLAGE_HEAD, village=cast.village_a)
    get_user_model().objects.filter(pk=staff.pk).update(is_staff=True)
    client.force_login(cast.province_office)
    page = page_of(client.get(url("communes:office_accounts", cast.province.key)))
    for user in (cast.officer_a, cast.village_head_a, cast.officer_b, both, staff):
        assert user.username in page
    assert other.officer.username not in page and cast.district_member_a.username not in page
    assert f'data-testid="code-{cast.officer_a.pk}"' in page
    assert f'data-testid="code-{both.pk}"' not in page and f'data-testid="code-{staff.pk}"' not in page
    for user in (both, staff):
        assert client.post(url("communes:account_code", cast.province.key, user.pk)).status_code == 404
    assert not OneTimeCode.objects.exists()


def test_a_new_account_gets_a_role_and_a_one_time_code_instead_of_a_password(client, cast):
    response = create(client, cast, commune=cast.commune_a.code, email="an@example.vn")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    code = code_in(response).replace("-", "")
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    user = get_user_model().objects.get(username="canbo.moi")
    assert user.get_full_name() == "Nguyễn Văn An" and not user.has_usable_password()
    assert Role.objects.get(user=user).commune == cast.commune_a
    assert Role.history.get(user_id=user.pk).history_user == cast.province_office
    stored = OneTimeCode.objects.get(user=user)
    assert code not in stored.code_hash and stored.issued_by == cast.province_office
    assert stored.expires_at - stored.issued_at == timedelta(hours=72)
    assert url("communes:password_code") in page_of(response)


def test_a_village_head_account_and_refused_account_forms(client, cast, other):
    response = create(
        client, cast, username="truongthon.moi", kind=Role.Kind.VILLAGE_HEAD, village=cast.village_a.code
    )
    assert response.status_code == 200
    assert Role.objects.get(user__username="truongthon.moi").village == cast.village_a
    foreign_village = VillageFactory(commune=other.commune)
    cases = [
        (
            {"username": "x1", "kind": Role.Kind.VILLAGE_HEAD, "village": foreign_village.code},
            "lựa chọn hợp lệ",
        ),
        ({"username": "x2", "commune": other.commune.code}, "lựa chọn hợp lệ"),
        (
            {"username": "x3", "kind": Role.Kind.PROVINCE_OFFICE, "commune": cast.commune_a.code},
            "lựa chọn hợp lệ",
        ),
        ({"username": "x4"}, "Chọn xã của cán bộ NTM xã."),
        ({"username": "OFFICER_A", "commune": cast.commune_a.code}, "Tên đăng nhập này đã có người dùng."),
        ({"username": "u" * 5000, "commune": cast.commune_a.code}, "tối đa 150 kí tự"),
        ({"username": "có dấu cách", "commune": cast.commune_a.code}, "Tên đăng nhập"),
        (
            {"username": "x5", "full_name": "A" * 5000, "commune": cast.commune_a.code},
            "tối đa 150 kí tự",
        ),
    ]
    for fields, message in cases:
        response = create(client, cast, **fields)
        assert response.status_code == 400 and message in page_of(response), fields
    assert not get_user_model().objects.filter(username__startswith="x").exists()


def test_a_code_sets_the_password_once(client, cast):
    code = code_in(create(client, cast, commune=cast.commune_a.code))
    response = redeem(client, "canbo.moi", code.lower())
    assert response.status_code == 302 and response["Location"] == url("login")
    user = get_user_model().objects.get(username="canbo.moi")
    assert user.check_password(NEW_PASSWORD)
    assert OneTimeCode.objects.get(user=user).outcome == OneTimeCode.Outcome.USED
    again = redeem(client, "canbo.moi", code, password="Mat-khau-khac-2026")
    assert again.status_code == 400 and WRONG_CODE in page_of(again)
    assert get_user_model().objects.get(pk=user.pk).check_password(NEW_PASSWORD)
    assert client.login(username="canbo.moi", password=NEW_PASSWORD)


def test_an_expired_or_wrong_code_is_refused_without_telling_whether_the_user_exists(client, cast):
    code = code_in(create(client, cast, commune=cast.commune_a.code))
    with time_machine.travel(timezone.now() + timedelta(hours=73)):
        expired = redeem(client, "canbo.moi", code)
    guess = "ABCD-EFGH" if code != "ABCD-EFGH" else "HGFE-DCBA"
    wrong = redeem(client, "canbo.moi", guess)
    nobody = redeem(client, "khong.co.ai", guess)
    for response in (expired, wrong, nobody):
        assert response.status_code == 400 and WRONG_CODE in page_of(response)
    assert without_tokens(page_of(wrong), "canbo.moi") == without_tokens(page_of(nobody), "khong.co.ai")
    assert not get_user_model().objects.get(username="canbo.moi").has_usable_password()


def without_tokens(page: str, username: str) -> str:
    """The page without what differs between any two answers: the CSRF token, the username typed."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page).replace(username, "")


def test_a_weak_password_is_refused_and_the_code_still_works(client, cast):
    code = code_in(create(client, cast, commune=cast.commune_a.code))
    for password, again, message in [
        ("123", "123", "Mật khẩu quá ngắn"),
        (NEW_PASSWORD, NEW_PASSWORD + "x", "Hai mật khẩu không khớp."),
        ("canbo.moi.1", "canbo.moi.1", "quá giống"),
    ]:
        response = redeem(client, "canbo.moi", code, password=password, again=again)
        assert response.status_code == 400 and message in page_of(response), password
    assert redeem(client, "canbo.moi", code).status_code == 302


def test_too_long_inputs_on_the_code_page_give_a_message(client, cast):
    for field in ("username", "code", "new_password1"):
        data = {"username": "a", "code": "ABCDEFGH", "new_password1": "x", "new_password2": "x"} | {
            field: "9" * 20000
        }
        response = client.post(url("communes:password_code"), data)
        assert response.status_code == 400 and "tối đa" in page_of(response), field
    assert client.get(url("communes:password_code")).status_code == 200


def test_wrong_codes_are_throttled_like_failed_logins(client, cast):
    code = code_in(create(client, cast, commune=cast.commune_a.code))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert redeem(client, "canbo.moi", "ZZZZ-ZZZZ").status_code == 400
    locked = redeem(client, "canbo.moi", "ZZZZ-ZZZZ")
    assert locked.status_code == 429 and 'data-testid="lockout"' in page_of(locked)
    assert "Đặt lại mật khẩu bằng mã" in page_of(locked)
    # Even the right code waits for the cool-off.
    assert redeem(client, "canbo.moi", code).status_code == 429
    assert not get_user_model().objects.get(username="canbo.moi").has_usable_password()


def test_the_office_hands_out_a_new_code_for_a_forgotten_password(client, cast):
    client.force_login(cast.province_office)
    issue = url("communes:account_code", cast.province.key, cast.officer_a.pk)
    first = code_in(client.post(issue))
    second = code_in(client.post(issue))
    assert OneTimeCode.objects.filter(user=cast.officer_a, ended_at__isnull=True).count() == 1
    assert redeem(client, "officer_a", first).status_code == 400
    assert redeem(client, "officer_a", second).status_code == 302
    assert client.login(username="officer_a", password=NEW_PASSWORD)
    assert client.get(issue).status_code == 405


def test_taking_the_last_role_away_locks_the_account(client, cast):
    client.force_login(cast.province_office)
    client.post(url("communes:account_code", cast.province.key, cast.officer_a.pk))
    role = Role.objects.get(user=cast.officer_a)
    page = page_of(client.get(url("communes:role_deactivate", cast.province.key, role.pk)))
    assert "Sơn Bằng" in page and 'data-testid="deactivate-confirm"' in page
    response = client.post(url("communes:role_deactivate", cast.province.key, role.pk), follow=True)
    assert "Tài khoản không còn vai trò nào nên đã bị khóa." in page_of(response)
    user = get_user_model().objects.get(pk=cast.officer_a.pk)
    assert not user.is_active and not Role.objects.filter(user=user).exists()
    record = Role.history.filter(id=role.pk, history_type="-").get()
    assert record.history_user == cast.province_office
    assert OneTimeCode.objects.get(user=user).outcome == OneTimeCode.Outcome.WITHDRAWN


def test_taking_one_of_two_roles_away_keeps_the_account(client, cast):
    Role.objects.create(user=cast.officer_a, kind=Role.Kind.COMMUNE_OFFICER, commune=cast.commune_b)
    client.force_login(cast.province_office)
    role = Role.objects.get(user=cast.officer_a, commune=cast.commune_b)
    response = client.post(url("communes:role_deactivate", cast.province.key, role.pk), follow=True)
    assert "bị khóa" not in page_of(response)
    assert get_user_model().objects.get(pk=cast.officer_a.pk).is_active


# --- Query budgets ----------------------------------------------------------------------------


def add_role(client, cast, user, **fields):
    client.force_login(cast.province_office)
    data = {"kind": Role.Kind.VILLAGE_HEAD, "unit": cast.village_a.code} | fields
    return client.post(url("communes:role_add", cast.province.key, user.pk), data)


def test_an_account_gets_a_further_role_in_the_province_with_its_history(client, cast):
    client.force_login(cast.province_office)
    accounts_page = page_of(client.get(url("communes:office_accounts", cast.province.key)))
    assert f'data-testid="role-add-{cast.officer_a.pk}"' in accounts_page
    assert f'<option value="{cast.village_a.code}">' in accounts_page
    response = add_role(client, cast, cast.officer_a)
    assert response.status_code == 302
    assert "Đã thêm vai trò Trưởng thôn cho officer_a." in page_of(client.get(response["Location"]))
    assert set(Role.objects.filter(user=cast.officer_a).values_list("kind", "commune", "village")) == {
        (Role.Kind.COMMUNE_OFFICER, cast.commune_a.pk, None),
        (Role.Kind.VILLAGE_HEAD, None, cast.village_a.pk),
    }
    # A second commune of the province, for the same officer.
    assert (
        add_role(
            client, cast, cast.officer_a, kind=Role.Kind.COMMUNE_OFFICER, unit=cast.commune_b.code
        ).status_code
        == 302
    )
    records = Role.history.filter(user_id=cast.officer_a.pk, history_type="+").order_by("history_date")
    assert [record.history_user for record in records][1:] == [cast.province_office, cast.province_office]
    # Still managed by the office: every role is in the province.
    assert client.get(url("communes:role_add", cast.province.key, cast.officer_a.pk)).status_code == 200


def test_a_further_role_in_another_provinces_unit_is_refused(client, cast, other):
    for fields in (
        {"kind": Role.Kind.COMMUNE_OFFICER, "unit": other.commune.code},
        {"kind": Role.Kind.VILLAGE_HEAD, "unit": VillageFactory(commune=other.commune).code},
    ):
        response = add_role(client, cast, cast.officer_a, **fields)
        assert response.status_code == 400 and "Tỉnh không có" in page_of(response), fields
    with pytest.raises(accounts.AccountRefused, match="trong tỉnh"):
        accounts.role_add(
            by=cast.province_office,
            province=cast.province,
            user=cast.officer_a,
            kind=Role.Kind.COMMUNE_OFFICER,
            commune=other.commune,
        )
    assert Role.objects.filter(user=cast.officer_a).count() == 1


def test_a_further_role_for_an_account_the_office_does_not_manage_is_refused(client, cast, other):
    for user in (other.officer, cast.district_member_a, cast.admin):
        assert add_role(client, cast, user).status_code == 404, user
    with pytest.raises(accounts.AccountRefused, match="không do văn phòng điều phối tỉnh quản lý"):
        accounts.role_add(
            by=cast.province_office,
            province=cast.province,
            user=cast.district_member_a,
            kind=Role.Kind.VILLAGE_HEAD,
            village=cast.village_a,
        )
    client.force_login(other.office)
    response = client.post(
        url("communes:role_add", other.province.key, cast.officer_a.pk),
        {"kind": Role.Kind.COMMUNE_OFFICER, "unit": other.commune.code},
    )
    assert response.status_code == 404
    assert not Role.objects.filter(
        user__in=[other.officer, cast.district_member_a, cast.officer_a], village=cast.village_a
    ).exists()
    assert Role.objects.filter(user=cast.officer_a).count() == 1


def test_a_role_the_account_already_has_is_refused_with_a_message(client, cast):
    response = add_role(
        client, cast, cast.officer_a, kind=Role.Kind.COMMUNE_OFFICER, unit=cast.commune_a.code
    )
    assert response.status_code == 400
    assert "Tài khoản officer_a đã có vai trò Cán bộ NTM xã ở Sơn Bằng." in page_of(response)
    assert Role.objects.filter(user=cast.officer_a).count() == 1
    assert add_role(client, cast, cast.officer_a, unit="").status_code == 400


def more_communes(cast, count: int) -> None:
    for number in range(count):
        commune = CommuneFactory(district=cast.district_a, commune_group=1 + number % 3)
        VillageFactory(commune=commune)
        user_with_role(f"officer_{number}", Role.Kind.COMMUNE_OFFICER, commune=commune)


# Common: session, user, roles.
LIST_BUDGETS = {
    # the province's communes with their districts
    "communes:office_communes": 4,
    # the newest history records with their users and the values before each
    "communes:classification_history": 4,
    # roles with their users and units; every role of those users; their open codes; the
    # communes and villages the form adding a role suggests
    "communes:office_accounts": 7,
}


@pytest.mark.parametrize("name", list(LIST_BUDGETS))
def test_the_list_pages_cost_the_same_queries_with_2_and_42_communes(client, cast, name):
    client.force_login(cast.province_office)
    edit = url("communes:commune_classification", cast.province.key, cast.commune_a.code)
    client.post(edit, {"commune_group": "1", "decision": DECISION})
    client.post(url("communes:account_code", cast.province.key, cast.officer_a.pk))
    page = url(name, cast.province.key)
    small = count_queries(lambda: client.get(page), status=200)
    more_communes(cast, 40)
    for commune in Commune.objects.filter(commune_group=1)[:20]:
        client.post(
            url("communes:commune_classification", cast.province.key, commune.code),
            {"commune_group": "2", "decision": DECISION},
        )
    assert count_queries(lambda: client.get(page), status=200) == small == LIST_BUDGETS[name]


def test_an_upload_costs_the_same_queries_whatever_the_number_of_communes(client, cast):
    def change(ws):
        for row in range(FIRST, ws.max_row + 1):
            ws.cell(row=row, column=3).value = 3

    def queries() -> int:
        content = edit(template(client, cast), change)
        return count_queries(lambda: upload(client, cast, content), status=200)

    small = queries()
    more_communes(cast, 40)
    assert queries() == small


# --- On PostgreSQL and SQLite alike: a too-long decision never reaches the database ----------


def test_a_huge_decision_in_the_confirm_step_is_a_message(client, cast):
    content = edit(
        template(client, cast),
        lambda ws: setattr(ws.cell(row=row_of(ws, cast.commune_a.code), column=3), "value", 2),
    )
    page = page_of(upload(client, cast, content))
    response = client.post(
        url("reports:commune_groups_apply", cast.province.key),
        {"token": token_of(page), "decision": "Đ" * 100_000},
    )
    assert response.status_code == 400 and "quá dài" in page_of(response)
    assert classification(cast.commune_a) == (None, False, False)


# --- In a browser, on a phone ------------------------------------------------------------------


@pytest.mark.browser
def test_the_groups_page_and_the_code_page_fit_a_360_pixel_phone(
    chromium, live_server, cast, transactional_db
):
    more_communes(cast, 12)
    context = chromium.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base_url = live_server.url
    try:
        log_in(page, "province_office", "pw-for-tests-123")
        page.wait_for_url("**/reports/provinces/**")
        page.goto(live_server.url + url("communes:office_communes", cast.province.key))
        assert page.get_by_test_id("office-communes").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path="/tmp/office-groups.png", full_page=True)
        page.goto(
            live_server.url + url("communes:commune_classification", cast.province.key, cast.commune_a.code)
        )
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path="/tmp/office-commune.png", full_page=True)
        page.goto(live_server.url + url("communes:office_accounts", cast.province.key))
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path="/tmp/office-accounts.png", full_page=True)
        page.context.clear_cookies()
        page.goto(live_server.url + url("communes:password_code"))
        page.fill("input[name=username]", "officer_a")
        page.fill("input[name=code]", "ABCD-EFGH")
        page.fill("input[name=new_password1]", NEW_PASSWORD)
        page.fill("input[name=new_password2]", NEW_PASSWORD)
        page.click("button[type=submit]")
        assert WRONG_CODE in page.content()
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.screenshot(path="/tmp/office-reset.png", full_page=True)
    finally:
        context.close()
