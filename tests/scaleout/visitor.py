"""A small cookie-keeping HTTP client over the standard library, for real servers.

It never follows redirects (the tests look at them) and may send each request to
a different instance: the cookies belong to the visitor, not to an instance, as they
do behind one public address. Every request carries what the reverse proxy of the
README passes on: the public host name, X-Forwarded-For with the visitor's address,
X-Forwarded-Proto https; a form is posted with the Referer a browser sends over
HTTPS (Flask-WTF checks it).
"""

from __future__ import annotations

import http.client
from dataclasses import dataclass
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from ..conftest import PASSWORD, csrf_token

#: The platform's public name, as the proxy passes it on (nginx: Host $host).
PUBLIC_HOST = "elearn.example.go.id"


@dataclass
class Response:
    status: int
    location: str
    text: str


class Visitor:
    """One browser: its cookies, its network address as the proxy reports it."""

    def __init__(self, address: str = "198.51.100.10"):
        self.address = address
        self.cookies: dict[str, str] = {}

    def request(self, base: str, method: str, path: str,
                form: dict[str, str] | None = None, *, page: str = "/") -> Response:
        """One request to the instance at ``base``; a form is sent as posted from ``page``."""
        parts = urlsplit(base)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
        headers = {"Host": PUBLIC_HOST, "X-Forwarded-For": self.address,
                   "X-Forwarded-Proto": "https"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"https://{PUBLIC_HOST}{page}"
        try:
            conn.request(method, path, body=body, headers=headers)
            answer = conn.getresponse()
            text = answer.read().decode("utf-8", "replace")
            self._keep_cookies(answer.headers.get_all("Set-Cookie") or [])
            return Response(answer.status, answer.headers.get("Location", ""), text)
        finally:
            conn.close()

    def _keep_cookies(self, set_cookies: list[str]) -> None:
        for line in set_cookies:
            for name, morsel in SimpleCookie(line).items():
                if morsel.value == "" or morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value

    def get(self, base: str, path: str) -> Response:
        return self.request(base, "GET", path)

    def post_form(self, base: str, page: str, url: str,
                  data: dict[str, str] | None = None, *, token_from: str | None = None
                  ) -> Response:
        """POST ``data`` to ``url`` with the CSRF token read from ``page`` (on the
        instance ``token_from``, the same one unless given)."""
        token = csrf_token(self.get(token_from or base, page).text)
        return self.request(base, "POST", url, {"csrf_token": token, **(data or {})},
                            page=page)

    def sign_in(self, base: str, identifier: str, password: str = PASSWORD) -> Response:
        return self.post_form(base, "/login", "/login",
                              {"identifier": identifier, "password": password})
