"""Submit a page the way a browser does: GET it, read its <form> (every input, hidden field,
default, select and textarea, duplicates included), change only what a person would type,
and post the result. A test cannot type into a field the page does not have, nor pick an
option it does not offer. A file input takes (bytes, filename), as a browser sends a chosen
file; one left empty is sent as a browser sends it (no file, no name)."""

import io
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from forms_service.forms.base import _flatten

GROUPED = {"checkbox", "radio"}  # inputs that share a name on purpose
NOT_SENT = {"submit", "button", "reset", "image"}


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    kind: str  # the input's type, "select", "select-multiple", "textarea", "submit"
    name: str
    value: str = ""
    checked: bool = False
    disabled: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)


class _Parser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._option = None  # [value or None, text]
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"attrs": a, "controls": []}
            self.forms.append(self._form)
            return
        if self._form is None:
            return
        disabled = "disabled" in a
        if tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            control = Control(
                "input", kind, a["name"], a.get("value", ""), "checked" in a, disabled
            )
            if kind in GROUPED and "value" not in a:
                control.value = "on"
            self._form["controls"].append(control)
        elif tag == "button" and a.get("name"):
            kind = (a.get("type") or "submit").lower()
            self._form["controls"].append(
                Control("button", kind, a["name"], a.get("value", ""), disabled=disabled)
            )
        elif tag == "select" and a.get("name"):
            kind = "select-multiple" if "multiple" in a else "select"
            self._select = Control("select", kind, a["name"], disabled=disabled)
            self._form["controls"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value"), "", "selected" in a]
        elif tag == "textarea" and a.get("name"):
            self._textarea = Control("textarea", "textarea", a["name"], disabled=disabled)
            self._form["controls"].append(self._textarea)

    def handle_data(self, data):
        if self._option is not None:
            self._option[1] += data
        elif self._textarea is not None:
            self._textarea.value += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "option" and self._option is not None:
            value, text, selected = self._option
            self._select.options.append((text.strip() if value is None else value, selected))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # a browser drops the one newline ("\n" or "\r\n", as WTForms writes) that
            # follows <textarea>
            value = self._textarea.value
            self._textarea.value = (
                value[2:] if value.startswith("\r\n") else value.removeprefix("\n")
            )
            self._textarea = None


def parse_forms(html: str) -> list[dict]:
    parser = _Parser()
    parser.feed(html)
    return parser.forms


def duplicate_names(html: str) -> list[tuple[int, str]]:
    """(form index, name) for each name two inputs of one form share, checkbox and radio
    groups and submit buttons aside."""
    found = []
    for index, form in enumerate(parse_forms(html)):
        seen = set()
        for c in form["controls"]:
            if c.kind in GROUPED or c.tag == "button" or c.kind in NOT_SENT:
                continue
            if c.name in seen:
                found.append((index, c.name))
            seen.add(c.name)
    return found


class Form:
    """One form of a page, with the values a browser would send until a person changes one."""

    def __init__(self, client, page_url: str, spec: dict):
        self.client = client
        self.url = urljoin(page_url, spec["attrs"].get("action") or page_url)
        self.method = (spec["attrs"].get("method") or "get").lower()
        self.multipart = spec["attrs"].get("enctype") == "multipart/form-data"
        self.controls: list[Control] = spec["controls"]
        self.values: dict[str, list[str]] = {}
        self.files: dict[str, tuple[bytes, str]] = {}
        for c in self.controls:
            if c.disabled or c.kind in NOT_SENT or c.tag == "button":
                continue
            if c.kind == "file":
                self.files[c.name] = (b"", "")
            elif c.kind in GROUPED:
                self.values.setdefault(c.name, [])
                if c.checked:
                    self.values[c.name].append(c.value)
            elif c.tag == "select":
                chosen = [v for v, selected in c.options if selected]
                if not chosen and c.kind == "select" and c.options:
                    chosen = [c.options[0][0]]  # a browser sends the first option
                self.values.setdefault(c.name, []).extend(chosen)
            else:
                self.values.setdefault(c.name, []).append(c.value)

    def names(self) -> set[str]:
        return {c.name for c in self.controls}

    def _controls(self, name):
        found = [c for c in self.controls if c.name == name and not c.disabled]
        if not found:
            raise KeyError(f"the page's form has no field named {name!r}")
        return found

    def __contains__(self, name):
        return name in self.names()

    def __getitem__(self, name):
        if name in self.files:
            return self.files[name]
        values = self.values.get(name, [])
        return values[0] if len(values) == 1 else values

    def __setitem__(self, name, value):
        """Type into a field, pick an option, or tick exactly the given boxes of a group."""
        controls = self._controls(name)
        first = controls[0]
        if first.kind == "file":
            content, filename = value
            self.files[name] = (bytes(content), str(filename))
            return
        values = value if isinstance(value, list | tuple) else [value]
        values = ["y" if v is True else str(v) for v in values if v is not None and v is not False]
        if first.kind in GROUPED:
            values = [v for v in values if v != ""]  # "" (JSON for "none chosen") ticks nothing
            offered = {c.value for c in controls}
            unknown = [v for v in values if v not in offered]
            if unknown:
                raise ValueError(f"{name!r} offers {sorted(offered)}, not {unknown}")
            if first.kind == "checkbox" and len(controls) == 1 and not values:
                values = []
            self.values[name] = values
        elif first.tag == "select":
            offered = {v for v, _ in first.options}
            unknown = [v for v in values if v not in offered]
            if unknown:
                raise ValueError(f"{name!r} offers {sorted(offered)}, not {unknown}")
            self.values[name] = values
        else:
            if len(controls) > 1:
                raise ValueError(f"{len(controls)} fields share the name {name!r}")
            self.values[name] = [values[0] if values else ""]

    def fill(self, data: dict) -> "Form":
        """Type a form's JSON data (the shape of `FormSpec.example()`) into the fields the
        page offers: a repeated group fills its rows (`key-0-name`, ...) and clears the
        rest; a value for a field the page does not have is an error."""
        flat = MultiDict()
        for key, value in data.items():
            _flatten(flat, key, value)
        for key in flat:
            if key not in self:
                raise KeyError(f"the page's form has no field {key!r} (more rows than it shows?)")
        for key, value in data.items():
            if key in self:
                self[key] = flat.getlist(key)
                continue
            rows = [n for n in self.names() if n.startswith(f"{key}-")]
            if not rows and value not in (None, "", False, []):
                raise KeyError(f"the page's form has no field named {key!r}")
            for name in rows:
                self[name] = flat.getlist(name)
        return self

    def submit(self, button: str | None = None, **kwargs):
        """Post (or get) the form; `button` is the value of the submit button pressed."""
        data = MultiDict()
        for name, values in self.values.items():
            for v in values:
                data.add(name, v)
        if button is not None:
            pressed = [c for c in self.controls if c.tag == "button" and c.value == button]
            pressed += [c for c in self.controls if c.kind == "submit" and c.value == button]
            if not pressed:
                raise KeyError(f"the form has no button with the value {button!r}")
            data.add(pressed[0].name, pressed[0].value)
        if self.method == "post" and (self.multipart or self.files):
            for name, (content, filename) in self.files.items():
                data.add(name, FileStorage(io.BytesIO(content), filename, name))
            # encoded here, in memory: the test client would spool a large body to a temporary
            # file that it never closes
            boundary, body = encode_multipart(data)
            kwargs["content_type"] = f"multipart/form-data; boundary={boundary}"
            return self.client.post(self.url, data=body, **kwargs)
        if self.method == "post":
            return self.client.post(self.url, data=data, **kwargs)
        return self.client.get(self.url, query_string=data, **kwargs)


class Page:
    def __init__(self, client, url: str, response):
        self.client, self.url, self.response = client, url, response
        self.html = response.get_data(as_text=True)
        self.forms = parse_forms(self.html)

    def form(self, action: str | None = None, index: int | None = None) -> Form:
        """The page's form posting to `action` (a path ending), or its only POST form."""
        specs = [f for f in self.forms if (f["attrs"].get("method") or "get").lower() == "post"]
        if action is not None:
            specs = [f for f in self.forms if (f["attrs"].get("action") or "").endswith(action)]
        if index is not None:
            specs = [specs[index]]
        # The header's sign-out and PIN forms are on every page; prefer the page's own.
        own = [f for f in specs if not (f["attrs"].get("action") or "").startswith("/logout")]
        specs = own or specs
        if len(specs) != 1:
            actions = [f["attrs"].get("action") for f in self.forms]
            raise LookupError(f"{len(specs)} forms match on {self.url} (actions: {actions})")
        return Form(self.client, self.url, specs[0])


def open_page(client, url: str, status: int = 200, **kwargs) -> Page:
    response = client.get(url, **kwargs)
    assert response.status_code == status, (url, response.status_code, response.location)
    return Page(client, url, response)


def submit(client, url: str, button: str | None = None, action=None, **typed):
    """GET the page at `url`, type `typed` into its form, press `button`, and post it."""
    form = open_page(client, url).form(action)
    for name, value in typed.items():
        form[name] = value
    return form.submit(button)


def typed_part(form_type) -> dict:
    """A form type's example as staff type it on its page: without what the page shows but
    never takes (the agency's settings, what its workflow fills from its records)."""
    never = {name for name, _ in form_type.agency_settings} | set(form_type.workflow_fields)
    return {k: v for k, v in form_type.example().items() if k not in never}
