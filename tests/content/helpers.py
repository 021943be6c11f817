"""Small valid courses to break one rule at a time."""

from __future__ import annotations

from elearn.content import CourseFiles

COURSE_MD = """---
title: Pelayanan Publik
summary: Prinsip pelayanan publik bagi ASN.
jp: 2
competency: teknis
instructors: ["198507202010012001"]
---
Deskripsi kursus.
"""

LESSON_MD = """---
title: Pengantar
minutes: 10
---
## Mengapa

Pelayanan publik adalah hak warga. Lihat [kuis](02-kuis.md).
"""

QUIZ_MD = """---
title: Kuis
type: quiz
minutes: 5
pass_score: 60
max_attempts: 2
shuffle: true
---
Jawablah semua soal.

## Apa tujuan standar pelayanan?
- [ ] Menambah prosedur
- [x] Memberi kepastian
- [ ] Mengurangi jam layanan
> Standar memberi kepastian.

## Pilih semua keterampilan lunak. {points=2}
- [x] Komunikasi
- [x] Kerja sama
- [ ] Mengetik cepat

## Maklumat pelayanan wajib dipublikasikan.
- [x] Benar
- [ ] Salah

## Singkatan ASN adalah ...
= Aparatur Sipil Negara
> ASN terdiri atas PNS dan PPPK.
"""


def make_course(changes: dict[str, str | bytes | None] | None = None,
                slug: str = "pelayanan-publik") -> CourseFiles:
    """A valid course with ``changes`` applied (path -> new text, or None to remove)."""
    files: dict[str, str | bytes | None] = {
        "course.md": COURSE_MD, "01-pengantar.md": LESSON_MD, "02-kuis.md": QUIZ_MD}
    files.update(changes or {})
    data = {path: value.encode() if isinstance(value, str) else value
            for path, value in files.items() if value is not None}
    return CourseFiles(slug=slug, files=data, label=f"content/{slug}")
