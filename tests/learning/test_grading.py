"""Grading of every question type, on the server."""

import pytest

from elearn.learning.quiz import grade_question


def q(kind, correct, wrong=(), points=2, answers=()):
    options = [{"key": k, "html": k, "correct": True} for k in correct]
    options += [{"key": k, "html": k, "correct": False} for k in wrong]
    return {"kind": kind, "points": points, "options": options, "answers": list(answers)}


SINGLE = q("single", ["a"], ["b", "c"])
TRUE_FALSE = q("true_false", ["benar"], ["salah"], points=1)
MULTIPLE = q("multiple", ["a", "b"], ["c", "d"], points=2)
SHORT = q("short_answer", [], points=1, answers=["Aparatur Sipil Negara", "ASN"])


@pytest.mark.parametrize(("question", "answer", "points"), [
    (SINGLE, ["a"], 2), (SINGLE, ["b"], 0), (SINGLE, [], 0), (SINGLE, None, 0),
    (SINGLE, ["a", "b"], 0),  # a tampered form choosing two options earns nothing
    (TRUE_FALSE, ["benar"], 1), (TRUE_FALSE, ["salah"], 0),
])
def test_single_choice_and_true_false(question, answer, points):
    assert grade_question(question, answer) == points


@pytest.mark.parametrize(("answer", "points"), [
    (["a", "b"], 2.0),          # all correct options
    (["a"], 1.0),               # half of the correct options: half the points
    (["a", "c"], 0.0),          # one right, one wrong: they cancel out
    (["a", "b", "c"], 1.0),     # all right plus one wrong
    (["a", "b", "c", "d"], 0.0),  # ticking everything earns nothing
    (["c"], 0.0),               # only wrong: never below zero
    ([], 0.0),
])
def test_multiple_choice_partial_and_wrong_answers(answer, points):
    assert grade_question(MULTIPLE, answer) == points


@pytest.mark.parametrize(("answer", "points"), [
    ("Aparatur Sipil Negara", 1), ("aparatur sipil negara", 1),
    ("  Aparatur   Sipil  Negara. ", 1), ("APARATUR SIPIL NEGARA", 1), ("asn", 1),
    ("ＡＳＮ", 1),  # full-width letters from a phone keyboard
    ("Aparatur Negara", 0), ("", 0), ("   ", 0), (None, 0), (["ASN"], 0),
])
def test_short_answer_normalisation(answer, points):
    assert grade_question(SHORT, answer) == points
