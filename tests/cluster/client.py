"""A person using the site over HTTP, with nothing but the standard library: a session cookie,
CSRF tokens taken from the forms, and multipart uploads (as a browser without JavaScript)."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
_VIDEO = re.compile(r"/videos/([0-9a-f-]{36})/")


class SiteClient:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str, str]:
        """Status, final URL and body of a GET."""
        try:
            with self.opener.open(self.base + path, timeout=60) as response:
                return response.status, response.url, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.url, error.read().decode()

    def sign_up(self, username: str, password: str) -> None:
        token = self._token("/accounts/signup/")
        fields = {"username": username, "password1": password, "password2": password}
        self._post("/accounts/signup/", {**fields, "csrfmiddlewaretoken": token})

    def upload(self, title: str, clip: Path) -> str:
        """Upload `clip`; return the new video's id (from the page it lands on)."""
        token = self._token("/upload/")
        fields = {
            "csrfmiddlewaretoken": token,
            "title": title,
            "visibility": "public",
            "upload_key": str(uuid.uuid4()),
        }
        url = self._post("/upload/", fields, file=("file", clip))
        match = _VIDEO.search(url)
        if match is None:
            raise AssertionError(f"the upload did not land on a video page but on {url}")
        return match.group(1)

    def _token(self, path: str) -> str:
        status, _, body = self.get(path)
        match = _CSRF.search(body)
        if status != 200 or match is None:
            raise AssertionError(f"no form at {path} (HTTP {status})")
        return match.group(1)

    def _post(self, path: str, fields: dict[str, str], file: tuple[str, Path] | None = None) -> str:
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            header = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
            parts.append(f"{header}{value}\r\n".encode())
        if file is not None:
            name, path_on_disk = file
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{path_on_disk.name}"\r\nContent-Type: video/mp4\r\n\r\n'.encode()
                + path_on_disk.read_bytes()
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": self.base + path,
            },
        )
        with self.opener.open(request, timeout=120) as response:
            return response.url
