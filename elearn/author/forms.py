from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from ..forms import Form
from ..vocabulary import DEFAULT_REVIEW_POLICY, choices

SLUG_RULE = Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$",
                   message=_l("Use lower-case letters, digits and single hyphens."))


class CourseForm(Form):
    slug = StringField(_l("Short name (slug)"), validators=[Optional(), Length(max=100), SLUG_RULE],
                       description=_l("Part of the address, e.g. pelayanan-publik. "
                                      "It cannot be changed later."))
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Enter a title.")), Length(max=200)])
    summary = TextAreaField(_l("Summary"), validators=[
        DataRequired(message=_l("Enter a summary.")), Length(max=300)])
    jp = IntegerField(_l("Lesson hours (JP)"), validators=[
        InputRequired(message=_l("Enter the JP credited, from 1 to 100.")),
        NumberRange(1, 100, message=_l("JP must be from 1 to 100."))])
    competency = SelectField(_l("Competency"), choices=[
        SelectChoice(*choice) for choice in choices("competency", _l)])
    level = SelectField(_l("Level"), choices=[
        SelectChoice(*choice) for choice in choices("level", _l)])
    restricted = BooleanField(_l("Only for people it is assigned to"))
    min_reading_percent = IntegerField(
        _l("Minimum reading time (percent of each lesson's estimated minutes)"), default=0,
        validators=[Optional(), NumberRange(0, 100, message=_l("Enter 0 to 100."))],
        description=_l("0 turns it off. With 50, a 20-minute lesson can be marked completed "
                       "10 minutes after it was first opened."))
    evaluation_required = BooleanField(
        _l("Issue the certificate only once the learner has evaluated the course"))
    instructors = StringField(_l("Instructors' NIPs"), validators=[Optional()],
                              description=_l("Separate several NIPs with commas."))
    description = TextAreaField(_l("Description (Markdown)"), validators=[
        DataRequired(message=_l("Enter a description."))], render_kw={"class": "editor",
                                                                       "rows": 10})

    def instructor_list(self) -> list[str]:
        raw = (self.instructors.data or "").replace(";", ",").replace(" ", ",")
        return [nip for nip in (part.strip() for part in raw.split(",")) if nip]


#: The quiz review policies of docs/authoring.md, "Penilaian kuis".
REVIEW_CHOICES = [SelectChoice(*choice) for choice in choices("review_policy", _l)]


class ModuleForm(Form):
    slug = StringField(_l("Short name (slug)"), validators=[Optional(), Length(max=90),
                                                            SLUG_RULE],
                       description=_l("Part of the address, e.g. standar-pelayanan. "
                                      "Learners' progress is kept by it."))
    title = StringField(_l("Title"), validators=[
        DataRequired(message=_l("Enter a title.")), Length(max=200)])
    kind = SelectField(_l("Type"), choices=[
        SelectChoice(*choice) for choice in choices("module_kind", _l)])
    minutes = IntegerField(_l("Estimated minutes"), validators=[
        InputRequired(message=_l("Enter the estimated minutes.")),
        NumberRange(1, 600, message=_l("Minutes must be from 1 to 600."))])
    role = SelectField(_l("Role"), default="graded", choices=[
        SelectChoice(*choice) for choice in choices("quiz_role", _l)], description=_l(
            "A pre-test is taken before the lessons: no pass mark, one attempt, answers not "
            "shown. The last graded quiz is the post-test."))
    pass_score = IntegerField(_l("Pass score (%)"), default=70, validators=[
        Optional(), NumberRange(0, 100, message=_l("The pass score is from 0 to 100."))])
    max_attempts = IntegerField(_l("Attempts allowed (0 = unlimited)"), default=3, validators=[
        Optional(), NumberRange(0, 1000, message=_l("Attempts must be 0 or more."))])
    shuffle = BooleanField(_l("Shuffle the options"))
    shuffle_questions = BooleanField(_l("Shuffle the questions"))
    review = SelectField(_l("Show the correct answers and explanations"),
                         default=DEFAULT_REVIEW_POLICY, choices=REVIEW_CHOICES, description=_l(
                             "Before that, a failed attempt shows the score and which questions "
                             "were wrong (except with 'Never')."))
    require_lessons = BooleanField(
        _l("The quiz opens once every lesson before it is completed"), default=True)
    draw = StringField(_l("Questions per attempt"), validators=[Optional(), Length(max=200)],
                       description=_l("Empty: every question. 10: ten drawn from all of them. "
                                      "etika: 3, layanan: 3: three from each group, set with "
                                      "{group=...} at the end of a question heading."))
    retry_after = StringField(_l("Wait after a failed attempt"),
                              validators=[Optional(), Length(max=20)],
                              description=_l("For example 30m, 1h or 1d (d days, h hours, "
                                             "m minutes). Empty: no wait."))
    time_limit = StringField(_l("Time limit per attempt"),
                             validators=[Optional(), Length(max=20)],
                             description=_l("For example 30m or 1h30m. Empty: no limit."))
    body = TextAreaField(_l("Content (Markdown)"), render_kw={"class": "editor", "rows": 20})


class UploadForm(Form):
    archive = FileField(_l("Zipped course folder"), validators=[
        FileRequired(message=_l("Choose a .zip file.")),
        FileAllowed(["zip"], message=_l("Only .zip files can be uploaded."))])


class AssetForm(Form):
    """An image or attachment for the course, uploaded from the module editor."""

    file = FileField(_l("Image or attachment"), validators=[
        FileRequired(message=_l("Choose a file to upload."))],
        description=_l("Images .png .jpg .gif .webp; attachments .pdf .docx .xlsx .pptx "
                       ".odt .ods .odp .txt .csv; at most 10 MB."))
    #: The module being edited ("" for a new one), to lead back to its editor.
    module = HiddenField()
