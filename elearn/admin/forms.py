from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[
        DataRequired(message=_l("Give a reason.")), Length(max=1000)], render_kw={"rows": 3})
    confirm = BooleanField(_l("I have checked this; it cannot be undone."), validators=[
        DataRequired(message=_l("Tick the box to confirm."))])


class PersonForm(FlaskForm):
    nip = StringField(_l("NIP"), validators=[DataRequired(message=_l("Enter the NIP."))],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    full_name = StringField(_l("Full name"), validators=[
        DataRequired(message=_l("Enter the full name.")), Length(max=200)])
    employment_status = SelectField(_l("Employment status"), choices=[
        SelectChoice("PNS", "PNS"), SelectChoice("PPPK", "PPPK")])
    email = StringField(_l("Email (optional)"), validators=[Optional(), Length(max=254)])
    unit_code = SelectField(_l("Unit"), choices=[])
    position = StringField(_l("Position (jabatan)"), validators=[Optional(), Length(max=200)])
    grade = StringField(_l("Grade (golongan)"), validators=[Optional(), Length(max=8)],
                        description=_l("I/a to IV/e for PNS, I to XVII for PPPK."))
    place_of_birth = StringField(_l("Place of birth"), validators=[Optional(), Length(max=100)])
    role = SelectField(_l("Role"), choices=[
        SelectChoice("learner", _l("Learner")), SelectChoice("instructor", _l("Instructor")),
        SelectChoice("admin", _l("Admin"))])


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(message=_l("Enter a code.")), Length(max=32),
        Regexp(r"^[A-Za-z0-9_.-]+$", message=_l("Use letters, digits, dots, dashes or "
                                                "underscores."))])
    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Enter a name.")), Length(max=200)])
    parent = SelectField(_l("Part of (optional)"), choices=[])


class AssignmentForm(FlaskForm):
    course = SelectField(_l("Course"), choices=[])
    unit_code = SelectField(_l("Unit"), choices=[])
    nip = StringField(_l("or one person's NIP"), validators=[Optional()])
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])


class ImportUploadForm(FlaskForm):
    archive = FileField(_l("Staff file (.csv or .xlsx)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], message=_l("Only .csv and .xlsx files can be imported."))])


class ImportApplyForm(FlaskForm):
    initial_password = StringField(_l("Initial password for new accounts"),
                                   validators=[Optional()],
                                   description=_l("New accounts must change it at first "
                                                  "sign-in."))
    skip_invalid = BooleanField(_l("Skip the invalid rows and import the others"))
