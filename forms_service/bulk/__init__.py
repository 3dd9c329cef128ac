"""Bulk generation: one CSV row per client makes a draft or sends a document, each row in
its own transaction, through the API's document service."""
