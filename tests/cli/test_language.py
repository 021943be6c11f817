"""The command line speaks one language, the platform's default (Indonesian unless
configured otherwise): its own messages, the services' problems, and the
``file:line: message`` and ``row N, column X: message`` formats alike."""

from __future__ import annotations

import re

from ..content.helpers import COURSE_MD, make_course

STAFF = (b"nip,nama,unit_kode\r\n"
         b"199213112019031005,Budi Santoso,\r\n")
#: English sentences the Indonesian command line must not print.
ENGLISH = re.compile(r"\b(row|column|problem|course\(s\)|Error|Nothing|must|got|rows?)\b")


def _staff_file(tmp_path):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(STAFF)
    return str(path)


def _broken_course(tmp_path):
    files = make_course({"course.md": COURSE_MD.replace("jp: 2", "jp: dua")})
    folder = tmp_path / "pelayanan-publik"
    for name, data in files.files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
    return str(folder)


def test_staff_import_problems_and_summary_are_indonesian(app, runner, tmp_path):
    result = runner.invoke(args=["users", "import", _staff_file(tmp_path), "--dry-run"])
    assert result.exit_code == 1
    assert "baris 2, kolom nip: Angka ke-1 sampai ke-8 NIP" in result.output
    assert "Uji coba, tidak ada yang disimpan: 0 akan dibuat" in result.output
    assert not ENGLISH.search(result.output), result.output


def test_content_problems_keep_file_line_and_speak_indonesian(app, runner, tmp_path):
    result = runner.invoke(args=["content", "import", _broken_course(tmp_path)])
    assert result.exit_code == 1
    assert re.search(r"pelayanan-publik/course\.md:4: jp harus bilangan bulat antara 1 dan 100",
                     result.output)
    assert "Tidak ada yang diimpor." in result.output
    assert not ENGLISH.search(result.output.replace("course.md", "")), result.output


def test_a_refusal_says_galat_in_indonesian(app, runner, tmp_path):
    result = runner.invoke(args=["reports", "jp", "--format", "csv", "--year", "abc",
                                 "--output", str(tmp_path / "jp.csv")])
    assert result.exit_code == 1
    assert result.output.startswith("Galat: --year: 'abc' bukan tahun")


def test_with_english_as_the_default_language_the_command_line_speaks_english(
        app, runner, english_cli, tmp_path):
    staff = runner.invoke(args=["users", "import", _staff_file(tmp_path), "--dry-run"])
    assert "row 2, column nip: Digits 1-8 of the NIP" in staff.output
    assert "Dry run, nothing written: 0 to create" in staff.output
    content = runner.invoke(args=["content", "check", _broken_course(tmp_path)])
    assert "course.md:4: jp must be a whole number from 1 to 100, got 'dua'" in content.output
    assert "1 problem(s) in 1 course(s)." in content.output
