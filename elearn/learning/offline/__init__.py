"""Learning without a connection: what a course saved on a device holds, and what
the server records of the work done offline when it arrives.

A learner saves a course for offline on the device (its pages as offline copies,
its images and maybe its attachments). Offline, marking a lesson completed or
submitting a quiz puts an item in the device's queue; the service worker sends
each item when the connection returns, maybe more than once. ``settle`` decides
each item exactly once (the item's key is stored with its outcome,
``OfflineSubmission``) by the same rules as online, with the device's times kept
within bounds the server can vouch for:

- never in the future (later than the item's arrival), never before enrolment;
- a lesson is completed only after its minimum reading time, counted from the
  earliest opening either side saw: the server's first view, or the device's,
  which is never taken to be earlier than the signed time its copy was saved;
- a quiz is taken offline only on a layout the server drew and signed for this
  learner when the course was saved (its ticket: the questions, never the
  answers), and only if it has no time limit (a timed quiz starts online, where
  the clock is the server's); attempt limits, the wait after a failed attempt,
  the lessons-first rule and the review policy hold as online, and a ticket is
  graded at most once.
"""

from .items import KEY_PATTERN, SLUG_PATTERN, BadItem, Item, read_item
from .saved import (
    CoursePackage,
    course_package,
    course_version,
    draw_ticket,
    offline_key,
    offline_quiz_refusal,
    quiz_fingerprint,
    saved_versions,
    sign_copy,
)
from .settling import Busy, Outcome, settle

__all__ = [
    "KEY_PATTERN", "SLUG_PATTERN", "BadItem", "Busy", "CoursePackage", "Item", "Outcome",
    "course_package", "course_version", "draw_ticket", "offline_key", "offline_quiz_refusal",
    "quiz_fingerprint", "read_item", "saved_versions", "settle", "sign_copy",
]
