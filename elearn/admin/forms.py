from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length


class ReasonForm(FlaskForm):
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[
        DataRequired(message=_l("Give a reason.")), Length(max=1000)], render_kw={"rows": 3})
    confirm = BooleanField(_l("I have checked this; it cannot be undone."), validators=[
        DataRequired(message=_l("Tick the box to confirm."))])
