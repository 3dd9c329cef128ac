"""Versioned DOCX templates: `form_templates/<form_type>/manifest.toml` lists each version,
its effective date and the sha256 of each language file."""

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..errors import NotFound, RuleViolation


@dataclass(frozen=True)
class TemplateVersion:
    form_type: str
    number: int
    effective: date
    files: dict[str, str]  # language -> sha256

    @property
    def languages(self) -> list[str]:
        return sorted(self.files)


class TemplateStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def versions(self, form_type: str) -> list[TemplateVersion]:
        manifest = self.root / form_type / "manifest.toml"
        if not manifest.exists():
            raise NotFound(f"No templates for form type {form_type!r}")
        data = tomllib.loads(manifest.read_text())
        return sorted(
            (
                TemplateVersion(
                    form_type,
                    v["number"],
                    date.fromisoformat(str(v["effective"])),
                    dict(v["files"]),
                )
                for v in data["versions"]
            ),
            key=lambda v: v.number,
        )

    def current(self, form_type: str, on: date | None = None) -> TemplateVersion:
        """The newest version already in effect."""
        on = on or date.today()
        in_effect = [v for v in self.versions(form_type) if v.effective <= on]
        if not in_effect:
            raise NotFound(f"No template of {form_type!r} is in effect yet")
        return in_effect[-1]

    def version(self, form_type: str, number: int) -> TemplateVersion:
        for v in self.versions(form_type):
            if v.number == number:
                return v
        raise NotFound(f"{form_type!r} has no template version {number}")

    def load(self, version: TemplateVersion, language: str) -> bytes:
        """The template file, refused if it is not byte for byte the one the manifest names."""
        if language not in version.files:
            raise RuleViolation(
                f"Template version {version.number} of {version.form_type} has no "
                f"{language!r} text; available: {', '.join(version.languages)}."
            )
        blob = (
            self.root / version.form_type / str(version.number) / f"{language}.docx"
        ).read_bytes()
        if hashlib.sha256(blob).hexdigest() != version.files[language]:
            raise RuleViolation(
                f"Template {version.form_type} v{version.number} ({language}) does not match "
                "the sha256 in its manifest; it was changed outside the upload process."
            )
        return blob
