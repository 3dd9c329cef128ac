"""Versioned DOCX templates: `form_templates/<form_type>/manifest.toml` lists each version:
its effective date, status (draft, active, retired), who added it, when and why, and the
sha256 of each language file. A version, once listed, is never changed or overwritten."""

import fcntl
import hashlib
import os
import shutil
import tomllib
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from ..errors import NotFound, RuleViolation

STATUSES = ("draft", "active", "retired")


@dataclass(frozen=True)
class TemplateVersion:
    form_type: str
    number: int
    effective: date
    files: dict[str, str]  # language -> sha256
    status: str = "active"  # the versions listed before statuses existed were all in use
    added_by: str = ""
    added_at: datetime | None = None
    note: str = ""
    agency_id: uuid.UUID | None = None  # an agency's own version (templates_admin), else shipped

    @property
    def languages(self) -> list[str]:
        return sorted(self.files)


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = (
        c if c not in '"\\' and c.isprintable() and c != "\x7f" else f"\\u{ord(c):04x}"
        for c in text
    )
    return '"' + "".join(escaped) + '"'


def manifest_text(form_type: str, title: str, versions: list[TemplateVersion]) -> str:
    """The manifest of `versions`, as `TemplateStore.versions` reads it back."""
    lines = [f"form_type = {_toml_string(form_type)}", f"title = {_toml_string(title)}"]
    for v in sorted(versions, key=lambda v: v.number):
        lines += ["", "[[versions]]", f"number = {v.number}", f'effective = "{v.effective}"']
        lines.append(f"status = {_toml_string(v.status)}")
        if v.added_by:
            lines.append(f"added_by = {_toml_string(v.added_by)}")
        if v.added_at:
            lines.append(f'added_at = "{v.added_at.isoformat(timespec="seconds")}"')
        if v.note:
            lines.append(f"note = {_toml_string(v.note)}")
        lines.append("[versions.files]")
        lines += [f"{lang} = {_toml_string(v.files[lang])}" for lang in v.languages]
    return "\n".join(lines) + "\n"


class TemplateStore:
    def __init__(self, root: Path):
        self.root = Path(root)

    def _manifest(self, form_type: str) -> dict:
        manifest = self.root / form_type / "manifest.toml"
        if not manifest.exists():
            raise NotFound(f"No templates for form type {form_type!r}")
        return tomllib.loads(manifest.read_text(encoding="utf-8"))

    def form_types(self) -> list[str]:
        return sorted(p.parent.name for p in self.root.glob("*/manifest.toml"))

    def versions(self, form_type: str) -> list[TemplateVersion]:
        return sorted(
            (
                TemplateVersion(
                    form_type,
                    v["number"],
                    date.fromisoformat(str(v["effective"])),
                    dict(v["files"]),
                    v.get("status", "active"),
                    v.get("added_by", ""),
                    datetime.fromisoformat(v["added_at"]) if v.get("added_at") else None,
                    v.get("note", ""),
                )
                for v in self._manifest(form_type)["versions"]
            ),
            key=lambda v: v.number,
        )

    def _in_effect(self, form_type: str, on: date | None) -> list[TemplateVersion]:
        """Active and effective by `on`: an agency's date (`AgencyTemplates`), else, for the
        commands that list or render the shipped forms, this machine's."""
        on = on or date.today()
        return [v for v in self.versions(form_type) if v.status == "active" and v.effective <= on]

    def current(
        self, form_type: str, on: date | None = None, language: str | None = None
    ) -> TemplateVersion:
        """The newest active version already in effect (that has `language`, when given):
        what a new document gets pinned to."""
        in_effect = self._in_effect(form_type, on)
        if not in_effect:
            raise NotFound(f"No template of {form_type!r} is in effect yet")
        in_language = [v for v in in_effect if language is None or language in v.files]
        if not in_language:
            raise RuleViolation(
                f"No template of {form_type} has {language!r} text; "
                f"available: {', '.join(self.languages(form_type, on))}."
            )
        return in_language[-1]

    def languages(self, form_type: str, on: date | None = None) -> list[str]:
        """The languages a new document of `form_type` can be written in."""
        return sorted({lang for v in self._in_effect(form_type, on) for lang in v.files})

    def version(self, form_type: str, number: int) -> TemplateVersion:
        for v in self.versions(form_type):
            if v.number == number:
                return v
        raise NotFound(f"{form_type!r} has no template version {number}")

    def path(self, version: TemplateVersion, language: str) -> Path:
        return self.root / version.form_type / str(version.number) / f"{language}.docx"

    def load(self, version: TemplateVersion, language: str) -> bytes:
        """The template file, refused if it is not byte for byte the one the manifest names."""
        if language not in version.files:
            raise RuleViolation(
                f"Template version {version.number} of {version.form_type} has no "
                f"{language!r} text; available: {', '.join(version.languages)}."
            )
        blob = self.path(version, language).read_bytes()
        if hashlib.sha256(blob).hexdigest() != version.files[language]:
            raise RuleViolation(
                f"Template {version.form_type} v{version.number} ({language}) does not match "
                "the sha256 in its manifest; it was changed outside the upload process."
            )
        return blob

    def add(
        self,
        form_type: str,
        language: str,
        template: bytes,
        *,
        added_by: str,
        added_at: datetime,
        effective: date,
        note: str = "",
        activate: bool = False,
    ) -> TemplateVersion:
        """Store `template` (already checked) as the next version, in effect from `effective`.
        One writer at a time per form type; the file is written before the manifest names
        it, and the manifest is replaced whole, so a crash leaves no half-listed version."""
        folder = self.root / form_type
        lock = os.open(folder, os.O_RDONLY)  # the form type's folder is its lock
        try:
            fcntl.flock(lock, fcntl.LOCK_EX)
            title = self._manifest(form_type).get("title", form_type)
            versions = self.versions(form_type)
            version = TemplateVersion(
                form_type,
                max((v.number for v in versions), default=0) + 1,
                effective,
                {language: hashlib.sha256(template).hexdigest()},
                "active" if activate else "draft",
                added_by,
                added_at,
                note,
            )
            target = self.path(version, language)
            target.parent.mkdir()  # refuses a folder left there by hand: never overwritten
            staged = folder / ".manifest.toml.new"
            try:
                target.write_bytes(template)
                staged.write_text(
                    manifest_text(form_type, title, [*versions, version]), encoding="utf-8"
                )
                os.replace(staged, folder / "manifest.toml")
            except BaseException:
                shutil.rmtree(target.parent)
                staged.unlink(missing_ok=True)
                raise
            return version
        finally:
            os.close(lock)
