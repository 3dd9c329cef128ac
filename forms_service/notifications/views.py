"""The outbox page: staff see what was sent, what waits for another try and what failed."""

from flask import Blueprint, render_template
from flask_login import login_required

from ..web import current_actor
from . import service
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
