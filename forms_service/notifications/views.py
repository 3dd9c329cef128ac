"""The outbox page: staff see what was sent, what waits for another try and what failed."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from ..web import current_actor
from . import notices, service
from .models import MessageStatus

bp = Blueprint("notifications", __name__)


@bp.route("/messages")
@login_required
def outbox():
    actor = current_actor()
    return render_template(
        "notifications/outbox.html",
        failed=service.agency_messages(actor, MessageStatus.FAILED),
        messages=service.agency_messages(actor),
        email_ready=service.channel_ready(service.Channel.EMAIL),
        sms_ready=service.channel_ready(service.Channel.SMS),
    )


@bp.app_context_processor
def notice_count():
    """The header's count of unread notices, for a signed-in staff member."""
    if not current_user.is_authenticated:
        return {}
    return {"unread_notices": notices.unread_count(current_user)}


@bp.route("/notices", methods=["GET", "POST"])
@login_required
def notices_page():
    """The staff member's notices, newest first; POST marks them read or sets the e-mail
    choice."""
    actor = current_actor()
    if request.method == "POST":  # CSRF is checked for every POST (CSRFProtect)
        if request.form.get("action") == "read":
            notices.mark_all_read(actor)
        elif request.form.get("action") == "email":
            notices.set_email(actor, request.form.get("email") == "y")
            flash(_("Your choice is saved."))
        return redirect(url_for("notifications.notices_page"))
    return render_template(
        "notifications/notices.html",
        items=notices.my_notices(actor),
        text_of=notices.notice_text,
        email=notices.wants_email(actor.user),
        email_ready=service.channel_ready(service.Channel.EMAIL),
    )
