"""The course folder format: read, check, render and write courses.

Pure Python (no Flask, no database) so the command line, the importer, the
web upload and the tests share one implementation. See docs/authoring.md.
"""

from .check import check_course, find_course_folders
from .files import CourseFiles, read_folder, read_zip, write_folder
from .model import ParsedCourse, ParsedModule, Problem

__all__ = [
    "CourseFiles", "ParsedCourse", "ParsedModule", "Problem", "check_course",
    "find_course_folders", "read_folder", "read_zip", "write_folder",
]
