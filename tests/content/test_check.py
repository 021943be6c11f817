"""Every rule of the course format and the message that reports it."""

import pytest

from elearn.content import check_course

from .helpers import COURSE_MD, LESSON_MD, QUIZ_MD, make_course

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 16


def problems_of(changes=None, slug="pelayanan-publik"):
    _, problems = check_course(make_course(changes, slug))
    return [str(p) for p in problems]


def test_the_valid_example_has_no_problems():
    course, problems = check_course(make_course())
    assert problems == []
    assert (course.title, course.jp, course.competency, course.level) == (
        "Pelayanan Publik", 2, "teknis", "dasar")
    assert course.instructors == ["198507202010012001"]
    assert [m.slug for m in course.modules] == ["pengantar", "kuis"]
    assert [m.kind for m in course.modules] == ["lesson", "quiz"]


def test_quiz_questions_get_their_types_points_and_settings():
    course, _ = check_course(make_course())
    quiz = course.modules[1]
    assert (quiz.pass_score, quiz.max_attempts, quiz.shuffle, quiz.shuffle_questions) == (
        60, 2, True, False)
    kinds = [(q.kind, q.points) for q in quiz.questions]
    assert kinds == [("single", 1), ("multiple", 2), ("true_false", 1), ("short_answer", 1)]
    assert quiz.questions[0].explanation_html == "<p>Standar memberi kepastian.</p>"
    assert quiz.questions[3].answers == ["Aparatur Sipil Negara"]
    assert "Jawablah semua soal." in quiz.body_html
    assert [o.correct for o in quiz.questions[1].options] == [True, True, False]


@pytest.mark.parametrize(("path", "text", "expected"), [
    ("course.md", COURSE_MD.replace("jp: 2", "jp: empat"),
     "course.md:4: jp must be a whole number from 1 to 100, got 'empat'"),
    ("course.md", COURSE_MD.replace("jp: 2", "jp: 0"),
     "course.md:4: jp must be a whole number from 1 to 100, got '0'"),
    ("course.md", COURSE_MD.replace("jp: 2", "jp: 2.5"),
     "course.md:4: jp must be a whole number from 1 to 100, got '2.5'"),
    ("course.md", COURSE_MD.replace("instructors:", "instuctors:"),
     "course.md:6: unknown key 'instuctors' (allowed: competency, cover, evaluation, "
     "instructors, jp, level, min_reading_percent, restricted, summary, title)"),
    ("course.md", COURSE_MD.replace("title: Pelayanan Publik\n", ""),
     "course.md:1: missing required key 'title'"),
    ("course.md", COURSE_MD.replace("competency: teknis", "competency: teknik"),
     "course.md:5: competency must be one of teknis, manajerial, sosial-kultural, got 'teknik'"),
    ("course.md", COURSE_MD.replace("jp: 2", "jp: 2\nlevel: ahli"),
     "course.md:5: level must be one of dasar, menengah, lanjut, got 'ahli'"),
    ("course.md", COURSE_MD.replace("jp: 2", "jp: 2\nrestricted: kadang"),
     "course.md:5: restricted must be true or false, got 'kadang'"),
    ("course.md", COURSE_MD.replace('["198507202010012001"]', '["12345"]'),
     "course.md:6: instructor NIP '12345' must be 18 digits"),
    ("course.md", COURSE_MD.replace("jp: 2", "jp: 2\njp: 3"),
     "course.md:5: duplicate key 'jp'"),
    ("course.md", COURSE_MD.replace("summary: Prinsip", "summary: [Prinsip"),
     "course.md:4: invalid YAML"),
    ("course.md", COURSE_MD.replace("Deskripsi kursus.\n", ""),
     "course.md:7: course.md needs a description after the front matter"),
    ("course.md", "title: tanpa front matter\n",
     "course.md:1: the file must start with front matter between '---' lines"),
    ("course.md", "---\ntitle: x\n",
     "course.md:1: front matter is not closed with a '---' line"),
    ("course.md", COURSE_MD.replace("jp: 2", "jp: 2\ncover: media/sampul.png"),
     "course.md:5: cover image 'media/sampul.png' is not in the course folder"),
    ("01-pengantar.md", LESSON_MD.replace("minutes: 10", "minutes: lama"),
     "01-pengantar.md:3: minutes must be a whole number from 1 to 600, got 'lama'"),
    ("01-pengantar.md", LESSON_MD.replace("minutes: 10\n", ""),
     "01-pengantar.md:1: missing required key 'minutes'"),
    ("01-pengantar.md", LESSON_MD.replace("minutes: 10", "minutes: 10\npass_score: 50"),
     "01-pengantar.md:4: unknown key 'pass_score' (allowed: minutes, title, type)"),
    ("01-pengantar.md", LESSON_MD.replace("minutes: 10", "minutes: 10\ntype: video"),
     "01-pengantar.md:4: type must be lesson or quiz, got 'video'"),
    ("01-pengantar.md", "---\ntitle: Kosong\nminutes: 3\n---\n\n",
     "01-pengantar.md:4: the lesson has no text after the front matter"),
    ("01-pengantar.md", LESSON_MD.replace("02-kuis.md", "05-hilang.md"),
     "01-pengantar.md:7: link to module '05-hilang.md', which is not in the course"),
    ("01-pengantar.md", LESSON_MD + "\n![Alur layanan](media/alur.png)\n",
     "01-pengantar.md:9: image 'media/alur.png' is not in the course folder"),
    ("01-pengantar.md", LESSON_MD + "\n[Unduh SOP](media/sop.pdf)\n",
     "01-pengantar.md:9: linked file 'media/sop.pdf' is not in the course folder"),
    ("01-pengantar.md", LESSON_MD + "\n[klik](javascript:alert(1))\n",
     "01-pengantar.md:9: links with 'javascript' are not allowed"),
    ("02-kuis.md", QUIZ_MD.replace("- [x] Memberi kepastian", "- [ ] Memberi kepastian"),
     "02-kuis.md:11: question has no correct option (mark one with [x])"),
    ("02-kuis.md", QUIZ_MD.replace("= Aparatur Sipil Negara", "="),
     "02-kuis.md:27: short-answer question has an empty answer"),
    ("02-kuis.md", QUIZ_MD.replace("= Aparatur Sipil Negara\n", ""),
     "02-kuis.md:26: question has no options ('- [ ] ...') and no answer ('= ...')"),
    ("02-kuis.md", QUIZ_MD.replace("- [ ] Salah", "- [ ] Salah\n= Benar"),
     "02-kuis.md:22: question mixes options and '=' answers; use one or the other"),
    ("02-kuis.md", QUIZ_MD.replace("- [ ] Menambah prosedur\n", "").replace(
        "- [ ] Mengurangi jam layanan\n", ""),
     "02-kuis.md:11: question needs at least two options"),
    ("02-kuis.md", QUIZ_MD.replace("{points=2}", "{points=dua}"),
     "02-kuis.md:17: points must be a whole number from 1 to 100, got 'dua'"),
    ("02-kuis.md", QUIZ_MD.replace("- [ ] Mengetik cepat", "- [ ] Komunikasi"),
     "02-kuis.md:17: option 'komunikasi' appears twice"),
    ("02-kuis.md", QUIZ_MD.replace("> Standar memberi kepastian.",
                                   "> Standar memberi kepastian.\nteks nyasar"),
     "02-kuis.md:16: unexpected text after the options"),
    ("02-kuis.md", QUIZ_MD.replace("pass_score: 60", "pass_score: 150"),
     "02-kuis.md:5: pass_score must be a whole number from 0 to 100, got '150'"),
    ("02-kuis.md", QUIZ_MD.replace("max_attempts: 2", "max_attempts: -1"),
     "02-kuis.md:6: max_attempts must be a whole number from 0 to 1000, got '-1'"),
    ("02-kuis.md", QUIZ_MD.replace("shuffle: true", "shuffle: acak"),
     "02-kuis.md:7: shuffle must be true or false, got 'acak'"),
    ("02-kuis.md", QUIZ_MD.split("## Apa")[0],
     "02-kuis.md:9: quiz has no questions (start each with a '## ' heading)"),
    ("02-kuis.md", QUIZ_MD + "\n## Apa tujuan standar pelayanan?\n- [x] A\n- [ ] B\n",
     "02-kuis.md:30: the same question is already on line 11"),
])
def test_each_rule_is_reported_with_file_and_line(path, text, expected):
    problems = problems_of({path: text})
    assert any(p.startswith(f"content/pelayanan-publik/{expected}") for p in problems), problems


def test_duplicate_module_slug_and_number():
    problems = problems_of({"03-pengantar.md": LESSON_MD, "01-lain.md": LESSON_MD})
    assert ("content/pelayanan-publik/03-pengantar.md:1: duplicate module slug 'pengantar' "
            "(also 01-pengantar.md)") in problems
    assert ("content/pelayanan-publik/01-pengantar.md:1: module number 01 is also used by "
            "01-lain.md") in problems


def test_badly_named_files_are_reported():
    problems = problems_of({"pengantar.md": LESSON_MD, "03-Kuis_Dua.md": LESSON_MD,
                            "media/virus.exe": b"MZ"})
    assert any("pengantar.md:1: module file names are NN-slug.md" in p for p in problems)
    assert any("03-Kuis_Dua.md:1: module file names are NN-slug.md" in p for p in problems)
    assert any("media/virus.exe:1: unsupported file type '.exe'" in p for p in problems)


def test_bad_course_folder_name_and_missing_course_md():
    assert any("folder name 'Pelayanan_Publik' must be" in p
               for p in problems_of(slug="Pelayanan_Publik"))
    assert "content/pelayanan-publik/course.md:1: course.md is missing" in problems_of(
        {"course.md": None})


def test_course_without_modules_is_refused():
    problems = problems_of({"01-pengantar.md": None, "02-kuis.md": None})
    assert "content/pelayanan-publik/course.md:1: the course has no modules (files named " \
           "NN-slug.md)" in problems


def test_non_utf8_file_is_reported_on_its_line():
    problems = problems_of({"01-pengantar.md": LESSON_MD.encode() + b"\nbaris \xff\n"})
    assert "content/pelayanan-publik/01-pengantar.md:9: the file is not UTF-8 text" in problems


def test_image_without_alt_text_is_reported():
    problems = problems_of({"media/a.png": PNG,
                            "01-pengantar.md": LESSON_MD + "\n![](media/a.png)\n"})
    assert any("01-pengantar.md:9: image 'media/a.png' needs alt text" in p for p in problems)


def test_links_inside_code_blocks_are_not_checked():
    text = LESSON_MD + "\n```\n[contoh](tidak-ada.md)\n```\n"
    assert problems_of({"01-pengantar.md": text}) == []


def test_images_attachments_and_module_links_are_rewritten_to_platform_urls():
    lesson = LESSON_MD + "\n![Alur layanan](media/alur.png)\n\n[Unduh SOP](media/sop.pdf)\n"
    course, problems = check_course(make_course({
        "01-pengantar.md": lesson, "media/alur.png": PNG, "media/sop.pdf": b"%PDF-1.4"}))
    assert problems == []
    html = course.modules[0].body_html
    assert 'href="/courses/pelayanan-publik/kuis"' in html
    assert 'src="/courses/pelayanan-publik/files/' in html and '/media/alur.png"' in html
    assert 'alt="Alur layanan"' in html and 'loading="lazy"' in html
    assert '/media/sop.pdf"' in html


def test_cover_image_is_recorded():
    course, problems = check_course(make_course({
        "course.md": COURSE_MD.replace("jp: 2", "jp: 2\ncover: media/sampul.png"),
        "media/sampul.png": PNG}))
    assert problems == [] and course.cover == "media/sampul.png"


def test_markdown_features_render():
    text = LESSON_MD + """
| Layanan | Waktu |
|---|---|
| KTP | 1 hari |

!!! tip "Tips"
    Sapa warga dengan ramah.

Catatan kaki[^1].

[^1]: Sumber: SOP.
"""
    course, problems = check_course(make_course({"01-pengantar.md": text}))
    assert problems == []
    html = course.modules[0].body_html
    assert "<table>" in html and "<td>KTP</td>" in html
    assert '<div class="admonition tip">' in html
    assert 'class="footnote-ref"' in html
    assert '<h2 id="isi-mengapa">Mengapa</h2>' in html


def test_every_problem_of_a_broken_course_is_reported_at_once():
    problems = problems_of({
        "course.md": COURSE_MD.replace("jp: 2", "jp: nol"),
        "02-kuis.md": QUIZ_MD.replace("= Aparatur Sipil Negara", "="),
    })
    assert len(problems) == 2


def test_an_empty_level_means_the_default():
    """``level:`` with nothing after it was stored as '' and broke the database constraint."""
    course, problems = check_course(make_course({
        "course.md": COURSE_MD.replace("jp: 2", "jp: 2\nlevel:")}))
    assert problems == [] and course.level == "dasar"


def test_a_number_too_long_for_python_is_a_problem_not_a_crash():
    problems = problems_of({"course.md": COURSE_MD.replace("jp: 2", "jp: " + "1" * 4400)})
    assert any(p.startswith("content/pelayanan-publik/course.md:2: invalid YAML: Exceeds")
               for p in problems), problems
