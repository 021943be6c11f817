"""Bulk staff import from CSV and XLSX: reading, the plan (dry run), applying, the CLI."""

import io
import zipfile

import pytest
import sqlalchemy as sa
from flask_babel import force_locale
from openpyxl import Workbook

from elearn.extensions import db
from elearn.models import AuditEntry, User
from elearn.people.services import upsert_unit
from elearn.people.staff_import import (
    ImportFileError,
    ImportProblem,
    ImportRefused,
    apply_import,
    plan_import,
    read_rows,
)

from ..conftest import PASSWORD, AuthActions

INITIAL = "sandi-awal-1"
HEADER_EN = ["nip", "name", "email", "unit_code", "position", "grade", "role", "status"]
HEADER_ID = ["NIP", "Nama", "Surel", "Unit_Kode", "Jabatan", "Golongan", "Peran",
             "Status_Kepegawaian", "Tempat_Lahir"]
BUDI = ["199204112019031005", "Budi Santoso", "Budi@Medan.go.id", "DISKOMINFO", "Analis",
        "iii/b", "learner", "PNS"]
SITI = ["198507202010012001", "Siti Aminah", "siti@medan.go.id", "bkpsdm", "Kepala Bidang",
        "IV/a", "instructor", ""]
PPPK = ["198703152023212001", "Rina Lubis", "", "DISKOMINFO", "Guru", "ix", "", "pppk"]


def nip(i: int) -> str:
    """A distinct valid PNS NIP for every i below 336 000."""
    return f"1990{1 + i // 28000:02d}{1 + i // 1000 % 28:02d}2015011{i % 1000:03d}"


def make_csv(rows, delimiter=",", bom=False, encoding="utf-8") -> bytes:
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode(encoding)


def make_xlsx(rows, *, exact_ints=True) -> bytes:
    """An XLSX file. openpyxl (like Excel) writes numbers with 16 significant
    digits, so an 18-digit int NIP would lose its serial; ``exact_ints``
    rewrites such cells with every digit, as a writer that stores integers
    exactly does."""
    workbook = Workbook()
    sheet = workbook.active
    for cells in rows:
        sheet.append(list(cells))
    out = io.BytesIO()
    workbook.save(out)
    if not exact_ints:
        return out.getvalue()
    big = {v for cells in rows for v in cells if type(v) is int and v >= 2**53}
    source, target = zipfile.ZipFile(out), io.BytesIO()
    with zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                for value in big:
                    content = content.replace(b"<v>%s</v>" % (b"%.16g" % value),
                                              b"<v>%d</v>" % value)
            copy.writestr(item, content)
    return target.getvalue()


@pytest.fixture
def units(app):
    with app.app_context():
        upsert_unit("DISKOMINFO", "Dinas Komunikasi dan Informatika")
        upsert_unit("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM")
        db.session.commit()


def plan(app, data, filename="staff.csv"):
    with app.app_context(), force_locale("en"):
        return plan_import(data, filename)


def run_import(app, data, filename="staff.csv", *, skip_invalid=False, password=INITIAL,
               progress=None):
    with app.app_context(), force_locale("en"):
        result = apply_import(plan_import(data, filename), initial_password=password,
                              skip_invalid=skip_invalid, progress=progress)
        db.session.commit()
        return result


def users(app) -> dict[str, User]:
    with app.app_context():
        found = {u.nip: u for u in db.session.scalars(sa.select(User))}
        for user in found.values():
            _ = user.unit
        db.session.expunge_all()
        return found


def where(plan_):
    return {(p.row, p.column) for p in plan_.problems}


# ---------------------------------------------------------------- reading files


def test_read_rows_csv_comma_and_semicolon_with_bom_skips_empty_rows():
    rows = [["nip", "nama"], ["199204112019031005", "Budi"], ["", ""], ["198507202010012001",
                                                                        "Siti; Aminah"]]
    comma = make_csv(rows, bom=True)
    headers, data = read_rows(comma, "pegawai.CSV")
    assert headers == ["nip", "nama"]
    assert list(data) == [(2, ["199204112019031005", "Budi"]),
                          (4, ["198507202010012001", "Siti; Aminah"])]
    semicolon = make_csv([["nip", "nama"], ["199204112019031005", "Budi, S.Kom"]], ";", bom=True)
    headers, data = read_rows(semicolon, "pegawai.csv")
    assert headers == ["nip", "nama"]
    assert list(data) == [(2, ["199204112019031005", "Budi, S.Kom"])]


def test_read_rows_csv_honours_excels_sep_line():
    data = b"sep=;\r\nnip;nama\r\n199204112019031005;Budi, S.Kom\r\n"
    headers, rows = read_rows(data, "excel.csv")
    assert headers == ["nip", "nama"]
    assert list(rows) == [(2, ["199204112019031005", "Budi, S.Kom"])]


def test_read_rows_csv_falls_back_to_cp1252():
    data = make_csv([["nip", "nama"], ["199204112019031005", "André Café"]], encoding="cp1252")
    assert list(read_rows(data, "a.csv")[1]) == [(2, ["199204112019031005", "André Café"])]


def test_read_rows_xlsx_numbers_become_exact_digit_strings():
    data = make_xlsx([["NIP", "Nama", "Umur"], [199204112019031005, "Budi", 31],
                      ["198507202010012001", "Siti", 40.5], [], [float(198003152005011002), "X",
                                                               None]])
    headers, rows = read_rows(data, "pegawai.xlsx")
    assert headers == ["NIP", "Nama", "Umur"]
    rows = list(rows)
    assert rows[:2] == [(2, ["199204112019031005", "Budi", "31"]),
                        (3, ["198507202010012001", "Siti", "40.5"])]
    # A float keeps only 15-16 significant digits, but still reads as plain digits.
    assert rows[2] == (5, ["198003152005011000", "X", ""])


def test_read_rows_refuses_unknown_extension_empty_and_unreadable_files(app):
    with app.app_context(), force_locale("en"):
        for data, name, message in [
            (b"nip,nama\n", "staff.xls", "Only .csv and .xlsx files can be imported."),
            (b"", "staff.csv", "The file is empty."),
            (b"\xef\xbb\xbf\r\n;;\r\n", "staff.csv", "The file is empty."),
            (b"not a zip", "staff.xlsx", "staff.xlsx is not a readable XLSX file."),
            (b"PK\x03\x04\x00\x00binary", "staff.csv", "staff.csv is not a readable CSV file."),
            (make_xlsx([]), "staff.xlsx", "The file is empty."),
        ]:
            with pytest.raises(ImportFileError) as exc:
                read_rows(data, name)
            assert message in str(exc.value)


# ---------------------------------------------------------------- valid files


def test_valid_csv_with_english_headers_creates_accounts(app, units):
    data = make_csv([HEADER_EN, BUDI, SITI, PPPK])
    the_plan = plan(app, data)
    assert the_plan.problems == []
    assert (the_plan.to_create, the_plan.to_update, the_plan.unchanged,
            the_plan.invalid_rows) == (3, 0, 0, 0)
    assert [(r.row, r.nip, r.name, r.action) for r in the_plan.rows] == [
        (2, BUDI[0], "Budi Santoso", "create"), (3, SITI[0], "Siti Aminah", "create"),
        (4, PPPK[0], "Rina Lubis", "create")]
    assert users(app) == {}  # planning writes nothing

    result = run_import(app, data)
    assert (result.created, result.updated, result.unchanged, result.skipped) == (3, 0, 0, 0)
    found = users(app)
    budi, siti, rina = found[BUDI[0]], found[SITI[0]], found[PPPK[0]]
    assert (budi.full_name, budi.email, budi.unit.code, budi.position, budi.grade, budi.role,
            budi.employment_status) == ("Budi Santoso", "budi@medan.go.id", "DISKOMINFO",
                                        "Analis", "III/b", "learner", "PNS")
    assert (siti.role, siti.unit.code, siti.grade, siti.employment_status) == (
        "instructor", "BKPSDM", "IV/a", "PNS")
    assert (rina.role, rina.email, rina.grade, rina.employment_status) == (
        "learner", None, "IX", "PPPK")
    assert all(u.must_change_password and u.active for u in found.values())
    assert budi.check_password(INITIAL)
    assert budi.password_hash == siti.password_hash  # hashed once for the whole file


def test_semicolon_csv_with_bom_and_indonesian_headers(app, units):
    rows = [HEADER_ID,
            [BUDI[0], "Budi", "budi@medan.go.id", "diskominfo", "Analis", "III/b", "Peserta",
             "PNS", "Medan"],
            [SITI[0], "Siti", "", "", "", "", "PENGAJAR", "", ""],
            [PPPK[0], "Rina", "", "", "", "IX", "admin", "PPPK", "Binjai"]]
    result = run_import(app, make_csv(rows, ";", bom=True), "pegawai.csv")
    assert result.created == 3
    found = users(app)
    assert (found[BUDI[0]].role, found[BUDI[0]].place_of_birth, found[BUDI[0]].unit.code) == (
        "learner", "Medan", "DISKOMINFO")
    assert (found[SITI[0]].role, found[SITI[0]].unit, found[SITI[0]].email) == (
        "instructor", None, None)
    assert (found[PPPK[0]].role, found[PPPK[0]].employment_status) == ("admin", "PPPK")


def test_xlsx_with_nip_as_number_and_as_text(app, units):
    rows = [["NIP", "Nama Lengkap", "Email", "Unit", "Golongan", "Role", "Catatan"],
            [int(BUDI[0]), "Budi", "budi@medan.go.id", "DISKOMINFO", "III/b", "learner", "x"],
            [SITI[0], "Siti", None, None, None, None, None]]
    data = make_xlsx(rows)
    the_plan = plan(app, data, "pegawai.xlsx")
    assert the_plan.problems == []
    assert [(r.row, r.nip, r.action) for r in the_plan.rows] == [(2, BUDI[0], "create"),
                                                                (3, SITI[0], "create")]
    assert run_import(app, data, "pegawai.xlsx").created == 2
    assert set(users(app)) == {BUDI[0], SITI[0]}


def test_nip_that_lost_digits_as_a_number_is_a_problem(app):
    as_float = make_xlsx([["nip", "nama"], [float(BUDI[0]), "Budi"]])
    as_excel_number = make_xlsx([["nip", "nama"], [int(BUDI[0]), "Budi"]], exact_ints=False)
    assert list(read_rows(as_excel_number, "a.xlsx")[1]) == [(2, ["199204112019031000", "Budi"])]
    csv = make_csv([["nip", "nama"], ["1,99204E+17", "Budi"]], ";")
    for data, name in ((as_float, "a.xlsx"), (as_excel_number, "a.xlsx"), (csv, "a.csv")):
        the_plan = plan(app, data, name)
        assert [str(p) for p in the_plan.problems] == [
            "row 2, column nip: The NIP was saved as a number and lost its last digits; format "
            "the column as text and type the NIPs again."]


# ---------------------------------------------------------------- invalid rows


def test_every_kind_of_invalid_row_is_reported_with_row_and_column(app, units, make_user):
    make_user("learner", nip="199001012015011099", email="ada@medan.go.id")
    rows = [["NIP", "Name", "Email", "Unit_Code", "Position", "Grade", "Role", "Status", "Extra"],
            BUDI + ["ignored"],                                               # 2 valid
            ["199213112019031005", "A", "", "", "", "", "", "", ""],          # 3 bad birth date
            ["198507202010012001", "B", "", "", "", "", "", "PPPK", ""],      # 4 PNS NIP as PPPK
            [BUDI[0], "C", "", "", "", "", "", "", ""],                       # 5 duplicate NIP
            [nip(1), "D", "BUDI@medan.go.id", "", "", "", "", "", ""],         # 6 duplicate email
            [nip(2), "E", "", "NOPE", "", "", "", "", ""],                    # 7 unknown unit
            [nip(3), "F", "", "", "", "", "boss", "", ""],                    # 8 unknown role
            [nip(4), "G", "", "", "", "IX", "", "", ""],                      # 9 PPPK grade for PNS
            [nip(5), "  ", "", "", "", "", "", "", ""],                       # 10 no name
            [PPPK[0], "H", "", "", "", "", "", "", ""],                       # 11 PPPK NIP as PNS
            [nip(6), "I", "bukan-email", "", "", "", "", "", ""],             # 12 bad email
            [nip(7), "J", "", "", "", "", "", "honorer", ""],                 # 13 bad status
            [nip(8), "K", "Ada@Medan.go.id", "", "", "", "", "", ""],         # 14 email in database
            [nip(9), "L", "", "", "", "", "", "", ""],                        # 15 valid
            ["12345", "M", "", "", "", "", "", "", ""]]                       # 16 short NIP
    the_plan = plan(app, make_csv(rows))
    assert where(the_plan) == {
        (3, "NIP"), (4, "NIP"), (5, "NIP"), (6, "Email"), (7, "Unit_Code"), (8, "Role"),
        (9, "Grade"), (10, "Name"), (11, "NIP"), (12, "Email"), (13, "Status"), (14, "Email"),
        (16, "NIP")}
    messages = {str(p) for p in the_plan.problems}
    for expected in [
        "row 3, column NIP: Digits 1-8 of the NIP must be a valid birth date (YYYYMMDD).",
        "row 4, column NIP: Digits 13-14 of a PPPK number are a code, not a month; is this a "
        "PNS NIP?",
        f"row 5, column NIP: NIP {BUDI[0]} also appears in row 2.",
        "row 6, column Email: Email budi@medan.go.id also appears in row 2.",
        "row 7, column Unit_Code: Unknown unit code NOPE.",
        "row 8, column Role: Unknown role boss: use learner, instructor or admin.",
        "row 9, column Grade: A PNS grade (golongan) is one of I/a to IV/e, e.g. III/b.",
        "row 10, column Name: Full name is required.",
        "row 11, column NIP: Digits 9-14 of the NIP must be the appointment year and month "
        "(YYYYMM).",
        "row 12, column Email: bukan-email is not a valid email address.",
        "row 13, column Status: Employment status must be PNS or PPPK.",
        "row 14, column Email: Email ada@medan.go.id is already used by another account.",
        "row 16, column NIP: NIP must be exactly 18 digits.",
    ]:
        assert expected in messages
    assert (the_plan.to_create, the_plan.to_update, the_plan.unchanged,
            the_plan.invalid_rows) == (2, 0, 0, 13)
    assert {r.row: r.action for r in the_plan.rows}[5] == "invalid"
    assert isinstance(the_plan.problems[0], ImportProblem)


def test_missing_required_columns_are_reported_on_row_one(app):
    the_plan = plan(app, make_csv([["NIP Baru", "email"], ["1", "a@b.c"]]))
    assert sorted((p.row, p.column) for p in the_plan.problems) == [(1, "nama"), (1, "nip")]
    assert str(the_plan.problems[0]) == (
        "row 1, column nip: Required column is missing; accepted names: nip.")
    with app.app_context(), force_locale("en"), pytest.raises(ImportRefused):
        apply_import(the_plan, initial_password=INITIAL, skip_invalid=True)


def test_a_repeated_column_is_a_header_problem(app):
    the_plan = plan(app, make_csv([["nip", "nama", "name"], [BUDI[0], "Budi", "Budi S"]]))
    assert [str(p) for p in the_plan.problems] == [
        "row 1, column name: This column repeats the column nama; keep only one of them."]


# ---------------------------------------------------------------- applying


def test_a_file_with_an_invalid_row_writes_nothing_unless_skip_invalid(app, units):
    data = make_csv([HEADER_EN, BUDI, ["199213112019031005", "Rusak"] + [""] * 6, SITI])
    with app.app_context(), force_locale("en"):
        the_plan = plan_import(data, "staff.csv")
        with pytest.raises(ImportRefused) as exc:
            apply_import(the_plan, initial_password=INITIAL, skip_invalid=False)
        assert str(exc.value) == "The file has problems: fix them, or skip the invalid rows."
        db.session.commit()
    assert users(app) == {}
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)) == 0

    result = run_import(app, data, skip_invalid=True)
    assert (result.created, result.updated, result.unchanged, result.skipped) == (2, 0, 0, 1)
    assert set(users(app)) == {BUDI[0], SITI[0]}


def test_a_weak_initial_password_is_refused(app, units):
    with app.app_context(), force_locale("en"):
        the_plan = plan_import(make_csv([HEADER_EN, BUDI]), "staff.csv")
        for weak, message in (("", "Password must be at least 8 characters."),
                              ("12345678", "Password must not be digits only.")):
            with pytest.raises(ImportRefused) as exc:
                apply_import(the_plan, initial_password=weak, skip_invalid=False)
            assert message in str(exc.value)
    assert users(app) == {}


def test_reimport_is_idempotent_and_needs_no_password(app, units):
    data = make_csv([HEADER_EN, BUDI, SITI, PPPK], ";")
    assert run_import(app, data).created == 3
    before = {n: (u.password_hash, u.updated_at) for n, u in users(app).items()}
    the_plan = plan(app, data)
    assert (the_plan.to_create, the_plan.to_update, the_plan.unchanged) == (0, 0, 3)
    result = run_import(app, data, password="")
    assert (result.created, result.updated, result.unchanged, result.skipped) == (0, 0, 3, 0)
    assert {n: (u.password_hash, u.updated_at) for n, u in users(app).items()} == before


def test_existing_user_is_updated_without_touching_the_password(app, units, make_user, auth):
    account = make_user("learner", email="lama@medan.go.id", unit_code="BKPSDM")
    the_plan = plan(app, make_csv([HEADER_EN + ["tempat_lahir"], BUDI + ["Medan"]]))
    assert [(r.nip, r.action) for r in the_plan.rows] == [(account.nip, "update")]
    result = run_import(app, make_csv([HEADER_EN + ["tempat_lahir"], BUDI + ["Medan"]]),
                        password="")
    assert (result.created, result.updated) == (0, 1)
    user = users(app)[account.nip]
    assert (user.full_name, user.email, user.unit.code, user.position, user.grade,
            user.place_of_birth) == ("Budi Santoso", "budi@medan.go.id", "DISKOMINFO",
                                     "Analis", "III/b", "Medan")
    assert user.check_password(PASSWORD) and not user.must_change_password
    assert auth.login(account.nip, PASSWORD).headers["Location"] == "/"


def test_absent_columns_keep_the_existing_values(app, units, make_user):
    account = make_user("admin", email="admin@medan.go.id", unit_code="BKPSDM")
    same = plan(app, make_csv([["nip", "nama"], [account.nip, "Test Admin"]]))
    assert [r.action for r in same.rows] == ["unchanged"]
    run_import(app, make_csv([["nip", "nama"], [account.nip, "Admin Baru"]]))
    user = users(app)[account.nip]
    assert (user.full_name, user.role, user.email, user.unit.code) == (
        "Admin Baru", "admin", "admin@medan.go.id", "BKPSDM")


def test_own_email_of_an_existing_user_is_not_a_duplicate(app, units, make_user):
    make_user("learner", email="budi@medan.go.id")
    the_plan = plan(app, make_csv([HEADER_EN, BUDI]))
    assert the_plan.problems == []
    assert [r.action for r in the_plan.rows] == ["update"]


def test_new_accounts_must_change_the_password_at_first_sign_in(app, client, units):
    run_import(app, make_csv([HEADER_EN, BUDI]))
    auth = AuthActions(client)
    assert auth.login("budi@medan.go.id", INITIAL).status_code == 302
    assert client.get("/").headers["Location"] == "/account/password"


def test_apply_writes_one_audit_entry_with_the_counts(app, units, make_user):
    actor = make_user("admin")
    data = make_csv([HEADER_EN, BUDI, SITI, ["12", "X"] + [""] * 6])
    with app.app_context(), force_locale("en"):
        the_plan = plan_import(data, "pegawai-2026.csv")
        admin = db.session.get(User, actor.id)
        apply_import(the_plan, initial_password=INITIAL, skip_invalid=True, actor=admin)
        db.session.commit()
        entries = db.session.scalars(sa.select(AuditEntry)).all()
        assert [(e.action, e.target, e.actor_id, e.reason, e.details) for e in entries] == [
            ("people.import", "pegawai-2026.csv", actor.id, None,
             {"created": 2, "updated": 0, "unchanged": 0, "skipped": 1})]


def test_progress_is_reported_every_500_rows(app):
    rows = [["nip", "nama"]] + [[nip(i), f"Pegawai {i}"] for i in range(1200)]
    calls = []
    result = run_import(app, make_csv(rows), progress=lambda done, total: calls.append(
        (done, total)))
    assert result.created == 1200
    assert calls == [(500, 1200), (1000, 1200), (1200, 1200)]
    assert len(users(app)) == 1200


# ---------------------------------------------------------------- command line


@pytest.fixture
def staff_file(tmp_path):
    def write(rows, name="pegawai.csv"):
        path = tmp_path / name
        path.write_bytes(make_xlsx(rows) if name.endswith(".xlsx") else make_csv(rows))
        return str(path)

    return write


def test_cli_dry_run_prints_the_changes_and_writes_nothing(app, runner, units, make_user,
                                                          staff_file):
    make_user("learner", nip=SITI[0])
    path = staff_file([HEADER_EN, BUDI, SITI])
    result = runner.invoke(args=["users", "import", path, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert f"baris 2: buat {BUDI[0]} Budi Santoso" in result.stdout
    assert f"baris 3: perbarui {SITI[0]} Siti Aminah" in result.stdout
    assert "1 akan dibuat, 1 akan diperbarui, 0 tidak berubah, 0 baris tidak valid." \
        in result.stdout
    assert set(users(app)) == {SITI[0]}
    assert users(app)[SITI[0]].full_name == "Test Learner"


def test_cli_dry_run_with_problems_exits_1(app, runner, units, staff_file):
    path = staff_file([HEADER_EN, BUDI, ["199213112019031005", "Rusak"] + [""] * 6])
    result = runner.invoke(args=["users", "import", path, "--dry-run"])
    assert result.exit_code == 1
    assert "baris 3, kolom nip: " in result.stderr
    assert users(app) == {}


def test_cli_refuses_a_file_with_problems_and_writes_nothing(app, runner, units, staff_file):
    path = staff_file([HEADER_EN, BUDI, [BUDI[0], "Dobel"] + [""] * 6])
    result = runner.invoke(args=["users", "import", path, "--initial-password", INITIAL])
    assert result.exit_code == 1
    assert "baris 3, kolom nip: " in result.stderr
    assert "--skip-invalid" in result.stderr
    assert users(app) == {}


def test_cli_skip_invalid_imports_the_valid_rows(app, runner, units, staff_file):
    path = staff_file([HEADER_EN, BUDI, ["12345", "Rusak"] + [""] * 6, SITI], "pegawai.xlsx")
    result = runner.invoke(args=["users", "import", path, "--skip-invalid",
                                 "--initial-password", INITIAL])
    assert result.exit_code == 0, result.output
    assert "baris 3, kolom nip: " in result.stderr
    assert "pegawai.xlsx diimpor: 2 dibuat, 0 diperbarui, 0 tidak berubah, 1 dilewati." \
        in result.stdout
    assert set(users(app)) == {BUDI[0], SITI[0]}


def test_cli_prompts_for_the_initial_password(app, runner, auth, units, staff_file):
    path = staff_file([HEADER_EN, BUDI])
    result = runner.invoke(args=["users", "import", path],
                           input="12345678\nsandi-kuat-1\nsandi-kuat-1\n")
    assert result.exit_code == 0, result.output
    assert "Kata sandi awal untuk 1 akun baru" in result.output
    assert "1 dibuat" in result.output
    user = users(app)[BUDI[0]]
    assert user.check_password("sandi-kuat-1") and user.must_change_password
    assert auth.login(BUDI[0], "sandi-kuat-1").status_code == 302
    # Nothing new to create: no prompt, no password needed.
    again = runner.invoke(args=["users", "import", path])
    assert again.exit_code == 0, again.output
    assert "0 dibuat, 0 diperbarui, 1 tidak berubah, 0 dilewati." in again.output


def test_cli_weak_password_option_and_unreadable_file_fail(app, runner, units, staff_file,
                                                          tmp_path):
    path = staff_file([HEADER_EN, BUDI])
    weak = runner.invoke(args=["users", "import", path, "--initial-password", "12345678"])
    assert weak.exit_code == 1
    assert users(app) == {}
    bad = tmp_path / "pegawai.txt"
    bad.write_text("nip,nama\n")
    result = runner.invoke(args=["users", "import", str(bad)])
    assert result.exit_code == 1


def test_cli_shows_progress_for_large_files(app, runner, staff_file):
    path = staff_file([["nip", "nama"]] + [[nip(i), f"Pegawai {i}"] for i in range(600)])
    result = runner.invoke(args=["users", "import", path, "--initial-password", INITIAL])
    assert result.exit_code == 0, result.output
    assert "Mengimpor" in result.output
    assert "600 dibuat" in result.output
    assert len(users(app)) == 600
