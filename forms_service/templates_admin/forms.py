from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length


class FileForm(FlaskForm):
    """A file for a draft. Its checks are `template_check`'s; the form only reads it in."""

    template = FileField(_l("Word file (.docx, at most 5 MB)"))
    language = StringField(
        _l("Language code of the file (en, es, ar, fr, vi …)"), [DataRequired(), Length(max=8)]
    )


class UploadForm(FileForm):
    """A file for a new version, and what changed."""

    note = TextAreaField(_l("What changed (for the version list)"), [Length(max=500)])


class ActionForm(FlaskForm):
    """Activate or discard: a button and the CSRF token."""
