"""An agency's own Word templates: uploaded, checked, previewed, activated or discarded by its
admins; they override the shipped templates (form_templates/) for that agency only."""
