"""Signed webhooks: another system (an HMIS, a CoC) hears what happened to an agency's paperwork."""
