"""A small HTTP client for the fault runs (standard library only): one connection per request,
so that a killed server shows as a connection error of exactly the request it hit; JSON for
the API; a browser with cookies and a form parser for the HTML pages."""

from __future__ import annotations

import http.client
import json
import time
from dataclasses import dataclass
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from urllib.parse import urlencode

# What a request that never got an HTTP answer raises (refused, reset, timed out, cut off).
CONNECTION_ERRORS = (OSError, http.client.HTTPException)


@dataclass
class Response:
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    started: float
    ended: float

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None


class Http:
    def __init__(self, host: str, port: int, *, timeout: float = 20.0) -> None:
        self.host, self.port, self.timeout = host, port, timeout

    def request(
        self,
        method: str,
        path: str,
        *,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> Response:
        started = time.monotonic()
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            answer = conn.getresponse()
            data = answer.read()
            return Response(answer.status, answer.getheaders(), data, started, time.monotonic())
        finally:
            conn.close()


class Api:
    """The JSON API with a personal token."""

    def __init__(self, http: Http, token: str) -> None:
        self.http = http
        self.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def call(self, method: str, path: str, payload=None) -> Response:
        headers = dict(self.headers)
        body = None
        if payload is not None:
            body = json.dumps(payload).encode()
            headers["Content-Type"] = "application/json"
        return self.http.request(method, "/api/v1" + path, body=body, headers=headers)


class Browser:
    """Cookies and form posts like a browser (no JavaScript, no automatic redirects)."""

    def __init__(self, http: Http) -> None:
        self.http = http
        self.cookies: dict[str, str] = {}

    def _headers(self) -> dict[str, str]:
        headers = {"Accept-Language": "de"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return headers

    def _keep_cookies(self, response: Response) -> None:
        for key, value in response.headers:
            if key.lower() == "set-cookie":
                jar = SimpleCookie()
                jar.load(value)
                for name, morsel in jar.items():
                    self.cookies[name] = morsel.value

    def get(self, path: str) -> Response:
        response = self.http.request("GET", path, headers=self._headers())
        self._keep_cookies(response)
        return response

    def post(self, path: str, fields: list[tuple[str, str]]) -> Response:
        headers = self._headers()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        response = self.http.request("POST", path, body=urlencode(fields).encode(), headers=headers)
        self._keep_cookies(response)
        return response


class _FormParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, bool] | None = None
        self._select_values: list[str] = []
        self._select_first: str | None = None
        self._option: str | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form":
            self._form = {"action": a.get("action", ""), "method": a.get("method", "get").lower()}
            self._form["fields"] = []
            self.forms.append(self._form)
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and a.get("name") and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    fields.append((a["name"], a.get("value", "on")))
            else:
                fields.append((a["name"], a.get("value", "")))
        elif tag == "select" and a.get("name"):
            self._select = (a["name"], "multiple" in a)
            self._select_values, self._select_first = [], None
        elif tag == "option" and self._select is not None:
            self._option = a.get("value")
            if self._select_first is None:
                self._select_first = self._option or ""
            if "selected" in a:
                self._select_values.append(self._option if self._option is not None else "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = a["name"]
            self._text = []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if self._form is None:
            return
        if tag == "select" and self._select is not None:
            name, multiple = self._select
            values = self._select_values
            if not values and not multiple and self._select_first is not None:
                values = [self._select_first]
            self._form["fields"].extend((name, v) for v in values)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = "".join(self._text)
            self._form["fields"].append((self._textarea, text.removeprefix("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def forms_of(html: str) -> list[dict]:
    """Every form of the page: action, method and the fields a browser would send."""
    parser = _FormParser()
    parser.feed(html)
    return parser.forms


def form_with(html: str, field: str) -> dict:
    """The (first) POST form of the page that has ``field``."""
    for form in forms_of(html):
        if form["method"] == "post" and any(name == field for name, _ in form["fields"]):
            return form
    raise LookupError(f"no form with {field!r}")


def replace_fields(fields: list[tuple[str, str]], **changes: str) -> list[tuple[str, str]]:
    out = [(k, v) for k, v in fields if k not in changes]
    out.extend(changes.items())
    return out
