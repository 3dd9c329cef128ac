"""The JSON API at /api/v1: per-agency tokens, the same services as the pages, OpenAPI 3.1."""
