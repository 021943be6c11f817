from collections.abc import Callable

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..forms import Form
from ..people import rules
from ..people.errors import Message
from ..people.rules import PersonData
from ..vocabulary import choices


class Rule:
    """A WTForms validator that runs a people rule and shows its messages translated.

    ``check(form, value)`` returns the rule's messages; ``maxlength`` goes on the
    input, as WTForms' Length would put it.
    """

    def __init__(self, check: Callable[[Form, str], list[Message]],
                 maxlength: int | None = None):
        self.check = check
        self.field_flags = {"maxlength": maxlength} if maxlength else {}

    def __call__(self, form, field) -> None:
        texts = [m.text(gettext) for m in self.check(form, field.data)]
        if texts:
            field.errors.extend(texts[:-1])
            raise ValidationError(texts[-1])


def person_rule(name: str) -> Rule:
    """The rule of one field of the person form, read with the other fields (the NIP
    and grade depend on the employment status), cleaned as the services clean them."""
    return Rule(lambda form, _value: rules.field_problems(form.person(), name),
                rules.MAX_LENGTHS.get(name))


class ReasonForm(Form):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[
        DataRequired(message=_l("Give a reason.")), Length(max=1000)], render_kw={"rows": 3})
    confirm = BooleanField(_l("I have checked this; it cannot be undone."), validators=[
        DataRequired(message=_l("Tick the box to confirm."))])


class RevokeForm(ReasonForm):
    category = SelectField(
        _l("Reason category (shown on the verification page)"),
        choices=[SelectChoice("", _l("— choose —"))]
        + [SelectChoice(*c) for c in choices("revoke_category", _l)],
        validators=[DataRequired(message=_l("Choose a category."))])


class PersonForm(Form):
    nip = StringField(_l("NIP"), validators=[DataRequired(message=_l("Enter the NIP.")),
                                             person_rule("nip")],
                      render_kw={"inputmode": "numeric", "autocomplete": "off"})
    full_name = StringField(_l("Full name"), validators=[
        DataRequired(message=_l("Enter the full name.")), person_rule("full_name")])
    employment_status = SelectField(
        _l("Employment status"),
        choices=[SelectChoice(*c) for c in choices("employment_status", _l)],
        validators=[person_rule("employment_status")])
    email = StringField(_l("Email (optional)"), validators=[Optional(), person_rule("email")])
    unit_code = SelectField(_l("Unit"), choices=[])
    position = StringField(_l("Position (jabatan)"),
                           validators=[Optional(), person_rule("position")])
    grade = StringField(_l("Grade (golongan)"), validators=[Optional(), person_rule("grade")],
                        description=_l("I/a to IV/e for PNS, I to XVII for PPPK."))
    place_of_birth = StringField(_l("Place of birth"),
                                 validators=[Optional(), person_rule("place_of_birth")])
    role = SelectField(_l("Role"), choices=[SelectChoice(*c) for c in choices("role", _l)],
                       validators=[person_rule("role")])

    def person(self) -> PersonData:
        """The person as entered, cleaned as the services store it."""
        return PersonData(nip=self.nip.data or "", full_name=self.full_name.data or "",
                          role=self.role.data or "",
                          employment_status=self.employment_status.data or "",
                          email=self.email.data, unit_code=self.unit_code.data or None,
                          position=self.position.data, grade=self.grade.data,
                          place_of_birth=self.place_of_birth.data).cleaned()


class UnitForm(Form):
    code = StringField(_l("Code"), validators=[
        DataRequired(message=_l("Enter a code.")),
        Rule(lambda _form, value: rules.new_unit_code_problems(value),
             rules.MAX_LENGTHS["unit_code"])])
    name = StringField(_l("Name"), validators=[
        DataRequired(message=_l("Enter a name.")), Length(max=200)])
    parent = SelectField(_l("Part of (optional)"), choices=[])


class AssignmentForm(Form):
    course = SelectField(_l("Course"), choices=[])
    unit_code = SelectField(_l("Unit"), choices=[])
    nip = StringField(_l("or one person's NIP"), validators=[Optional()])
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])


class BulkAssignmentForm(Form):
    """Many people at once: pasted NIPs and/or a unit and position. Sizes are checked by
    the service (one clear message), not here."""
    course = SelectField(_l("Course"), choices=[])
    nips = TextAreaField(_l("NIPs"), validators=[Optional()], render_kw={
        "rows": 8, "spellcheck": "false", "autocomplete": "off"},
        description=_l("One per line, or separated by commas or spaces; a name beside the "
                       "NIP (as copied from a spreadsheet) is fine. At most 1,000."))
    unit_code = SelectField(_l("Unit"), choices=[])
    position = StringField(_l("Position contains (optional)"),
                           validators=[Optional(), Length(max=200)],
                           render_kw={"list": "positions", "autocomplete": "off"})
    due_date = DateField(_l("Due date (optional)"), validators=[Optional()])
    #: What the preview showed (BulkPlan.digest): confirming saves only that.
    digest = HiddenField()


class ImportUploadForm(Form):
    archive = FileField(_l("Staff file (.csv or .xlsx)"), validators=[
        FileRequired(message=_l("Choose a file.")),
        FileAllowed(["csv", "xlsx"], message=_l("Only .csv and .xlsx files can be imported."))])


class ImportApplyForm(Form):
    initial_password = StringField(_l("Initial password for new accounts"),
                                   validators=[Optional()],
                                   description=_l("New accounts must change it at first "
                                                  "sign-in."))
    skip_invalid = BooleanField(_l("Skip the invalid rows and import the others"))
