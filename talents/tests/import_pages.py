"""Checks the page tests of every Excel import make: login, roles and methods of its four pages."""

from django.urls import reverse


def import_urls(name: str, pk: int = 1, query: str = "") -> dict[str, str]:
    """Return the upload, template, preview and confirm URLs of the import ``app:name`` for batch ``pk``."""
    app, _colon, base = name.partition(":")
    return {
        "upload": reverse(f"{app}:{base}_import"),
        "template": reverse(f"{app}:{base}_template"),
        "preview": reverse(f"{app}:{base}_import_preview", args=[pk]) + query,
        "confirm": reverse(f"{app}:{base}_import_confirm", args=[pk]) + query,
    }


def assert_login_required(client, urls: dict[str, str]) -> None:
    for url in (urls["upload"], urls["template"]):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def assert_forbidden(client, urls: dict[str, str]) -> None:
    """Every page answers 403: the user is in scope but not office staff."""
    for page in ("upload", "template", "preview"):
        assert client.get(urls[page]).status_code == 403
    assert client.post(urls["confirm"]).status_code == 403


def assert_wrong_methods_refused(client, urls: dict[str, str]) -> None:
    assert client.get(urls["confirm"]).status_code == 405
    assert client.post(urls["preview"]).status_code == 405
    assert client.post(urls["template"]).status_code == 405
    assert client.delete(urls["upload"]).status_code == 405
