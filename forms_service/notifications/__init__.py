"""Messages that leave the service (e-mail, SMS): an outbox row committed with the action that
causes it, sent afterwards by a runner, once."""
