"""The offline install: every wheel in wheelhouse/ (`make wheelhouse`), installed with no index at all.

A fresh virtualenv gets the site from the folder alone (`pip install --no-index --find-links
wheelhouse -r requirements.txt`), passes `manage.py check`, migrates a SQLite file and serves the
login page through gunicorn. Slow (a minute or two); the wheelhouse is built once per session.
"""

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WHEELHOUSE = ROOT / "wheelhouse"


@pytest.fixture(scope="session")
def wheelhouse() -> Path:
    """What `make wheelhouse` builds: a wheel for every requirement, downloaded or built here."""
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--wheel-dir", str(WHEELHOUSE), "-r", "requirements.txt"],
        cwd=ROOT, check=True, timeout=600,
    )  # fmt: skip
    return WHEELHOUSE


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(*args, env, timeout=300) -> str:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, args))}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_site_installs_and_starts_from_the_wheelhouse_alone(wheelhouse, tmp_path):
    venv = tmp_path / "venv"
    started = time.time()
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON", "VIRTUAL_ENV", "DJANGO_"))}
    run(sys.executable, "-m", "venv", str(venv), env=clean)
    python = venv / "bin" / "python"
    # No index: with PIP_NO_INDEX and --no-index pip cannot reach any registry, only the folder.
    run(python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", str(wheelhouse),
        "-r", "requirements.txt", env={**clean, "PIP_NO_INDEX": "1"}, timeout=600)  # fmt: skip
    run(python, "-m", "pip", "check", env=clean)

    env = {
        **clean,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'site.sqlite3'}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "DJANGO_SETTINGS_MODULE": "talentliaison.settings",
    }
    run(python, "manage.py", "check", env=env)
    run(python, "manage.py", "migrate", "--noinput", "-v", "0", env=env)

    port = free_port()
    server = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "talentliaison.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=5) as response:
                    page = response.read().decode()
                    break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.time() < deadline, "gunicorn from the wheelhouse venv did not answer"
                time.sleep(0.5)
        assert response.status == 200
        assert "登录" in page
    finally:
        server.terminate()
        server.wait(timeout=20)
    print(f"installed from {len(list(wheelhouse.glob('*.whl')))} wheels and served in {time.time() - started:.0f} s")
