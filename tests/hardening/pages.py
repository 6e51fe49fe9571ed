"""Reading the portal's pages as a browser would (``html.parser``): the forms they show, the error
messages next to fields, and anything that would run in the page (a script, an event handler
or a ``javascript:`` URL carrying the corpus)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
TYPABLE = frozenset(
    {"text", "search", "tel", "url", "email", "password", "number", "date", "datetime-local"}
)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "xlink:href", "poster"})
ERROR_CLASSES = ("invalid-feedback", "errorlist", "alert-danger", "text-danger")
# A letter only Vietnamese writes (marks, ơ, ư, đ): an error message in English has none.
VIETNAMESE = re.compile(
    r"[àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ]", re.IGNORECASE
)


@dataclass
class Field:
    name: str
    tag: str  # input, textarea, select
    type: str = "text"
    value: str = ""
    checked: bool = False
    multiple: bool = False
    options: list[tuple[str, bool]] = field(default_factory=list)  # (value, selected)
    attrs: dict[str, str] = field(default_factory=dict)

    @property
    def typable(self) -> bool:
        """A box the user types into."""
        if "disabled" in self.attrs or "readonly" in self.attrs:
            return False
        return self.tag == "textarea" or (self.tag == "input" and self.type in TYPABLE)

    @property
    def date_kind(self) -> str:
        """ "date", "datetime", "iso-date", "iso-datetime" or "" for a box that takes a date."""
        placeholder = self.attrs.get("placeholder", "")
        if self.type == "date":
            return "iso-date"
        if self.type == "datetime-local":
            return "iso-datetime"
        if "dd/mm/yyyy" in placeholder:
            return "datetime" if "hh:mm" in placeholder else "date"
        return ""

    @property
    def numeric(self) -> bool:
        return self.type == "number" or self.attrs.get("inputmode") in {"numeric", "decimal"}

    @property
    def free_text(self) -> bool:
        """Free text (a name, a place, an account): not a date, number, email or password."""
        return (
            self.typable
            and (self.tag == "textarea" or self.type in {"text", "search", "url"})
            and not self.date_kind
            and not self.numeric
        ) or self.tag == "textarea"

    @property
    def max_length(self) -> int | None:
        value = self.attrs.get("maxlength")
        return int(value) if value and value.isdigit() else None


@dataclass
class Form:
    action: str
    method: str
    enctype: str
    fields: list[Field] = field(default_factory=list)
    submit: tuple[str, str] | None = None  # the first submit button's (name, value)
    attrs: dict[str, str] = field(default_factory=dict)

    def by_name(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


@dataclass
class ErrorBlock:
    element_id: str
    classes: str
    text: str
    flash: bool = False  # one of the page's messages (after a redirect), not a form's error


class PageReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.unsafe: list[str] = []
        self.errors: list[ErrorBlock] = []
        self.invalid_inputs: set[str] = set()  # names of inputs marked is-invalid
        self.text_parts: list[str] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._textarea: Field | None = None
        self._select: Field | None = None
        self._option: tuple[str, bool] | None = None
        self._option_text: list[str] = []
        # Open elements, each with its classes, the error block it starts (if any) and the
        # block's text so far.
        self._stack: list[tuple[str, str, ErrorBlock | None, list[str]]] = []
        self._script: list[str] | None = None

    # -- safety --------------------------------------------------------------------------
    def _check(self, tag: str, attrs: dict[str, str]) -> None:
        for name, value in attrs.items():
            if name.startswith("on") and "alert" in value:
                self.unsafe.append(f"<{tag} {name}={value!r}>")
            if name in URL_ATTRIBUTES:
                cleaned = re.sub(r"[\x00-\x20]", "", value).lower()
                if cleaned.startswith(("javascript:", "vbscript:", "data:text/html")):
                    self.unsafe.append(f"<{tag} {name}={value!r}>")
        if tag == "img" and attrs.get("src") == "x":
            self.unsafe.append("<img src=x> from the corpus became an element")

    # -- parsing -------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attr_list) -> None:
        attrs = {k: (v or "") for k, v in attr_list}
        self._check(tag, attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        classes = attrs.get("class", "")
        if tag not in VOID:
            block = None
            if any(c in classes.split() for c in ERROR_CLASSES):
                flash = any(
                    "messages" in open_classes.split() for _t, open_classes, *_ in self._stack
                )
                block = ErrorBlock(attrs.get("id", ""), classes, "", flash)
            self._stack.append((tag, classes, block, []))
        if tag == "script":
            self._script = []
        if tag == "form":
            self._form = Form(
                action=attrs.get("action", ""),
                method=attrs.get("method", "get").lower(),
                enctype=attrs.get("enctype", ""),
                attrs=attrs,
            )
            self.forms.append(self._form)
        elif tag in {"input", "button"}:
            kind = attrs.get("type", "text" if tag == "input" else "submit").lower()
            if tag == "input" and "is-invalid" in classes.split() and attrs.get("name"):
                self.invalid_inputs.add(attrs["name"])
            if self._form is None or (not attrs.get("name") and kind != "submit"):
                return
            if kind in {"submit", "image"} or tag == "button":
                if kind == "submit" and self._form.submit is None:
                    self._form.submit = (attrs.get("name", ""), attrs.get("value", ""))
                return
            self._form.fields.append(
                Field(
                    name=attrs["name"],
                    tag="input",
                    type=kind,
                    value=attrs.get("value", ""),
                    checked="checked" in attrs,
                    attrs=attrs,
                )
            )
        elif tag == "textarea" and self._form is not None and attrs.get("name"):
            if "is-invalid" in classes.split():
                self.invalid_inputs.add(attrs["name"])
            self._textarea = Field(name=attrs["name"], tag="textarea", attrs=attrs)
            self._form.fields.append(self._textarea)
        elif tag == "select" and self._form is not None and attrs.get("name"):
            if "is-invalid" in classes.split():
                self.invalid_inputs.add(attrs["name"])
            self._select = Field(
                name=attrs["name"], tag="select", multiple="multiple" in attrs, attrs=attrs
            )
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._option = (attrs.get("value"), "selected" in attrs)
            self._option_text = []

    def handle_startendtag(self, tag, attr_list) -> None:
        self.handle_starttag(tag, attr_list)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "option":
            self._close_option()
        if tag == "script" and self._script is not None:
            body = "".join(self._script)
            if "alert(1)" in body:
                self.unsafe.append(f"<script>{body[:80]}</script>")
            self._script = None
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            if self._textarea is not None and self._textarea.value.startswith("\n"):
                # The newline after <textarea> is not part of the value (HTML parsing rule).
                self._textarea.value = self._textarea.value[1:]
            self._textarea = None
        elif tag == "select":
            self._close_option()
            self._select = None
        if any(open_tag == tag for open_tag, *_rest in self._stack):
            while self._stack:
                open_tag, _classes, block, parts = self._stack.pop()
                if block is not None:
                    block.text = " ".join("".join(parts).split())
                    self.errors.append(block)
                if open_tag == tag:
                    break

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected = self._option
            if value is None:
                value = "".join(self._option_text).strip()
            self._select.options.append((value, selected))
        self._option = None

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)
            return
        if self._textarea is not None:
            self._textarea.value += data
        if self._option is not None:
            self._option_text.append(data)
        for _tag, _classes, block, parts in self._stack:
            if block is not None:
                parts.append(data)
        self.text_parts.append(data)

    @property
    def text(self) -> str:
        return "".join(self.text_parts)


def read_page(html: str) -> PageReader:
    reader = PageReader()
    reader.feed(html)
    reader.close()
    return reader


def is_vietnamese(message: str) -> bool:
    return bool(VIETNAMESE.search(message))
