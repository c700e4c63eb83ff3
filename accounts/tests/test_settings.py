"""The production profile, checked in a fresh process with the environment a deployment sets."""

import os
import secrets
import subprocess
import sys

from django.conf import settings

from accounts.fields import new_key
from conftest import ROOT


def _check(extra_env: dict, *args: str) -> subprocess.CompletedProcess:
    # DJANGO_ALLOW_ASYNC_UNSAFE is set by e2e/conftest.py for Playwright; a deployment never has it.
    dropped = {
        "DEBUG",
        "SECRET_KEY",
        "ALLOWED_HOSTS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
        "FIELD_ENCRYPTION_KEY",
        "FIELD_HASH_KEY",
    }
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(
        {
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/talentliaison",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
            "ALLOWED_HOSTS": "rencai.example.gov.cn",
            "FIELD_ENCRYPTION_KEY": new_key(),
            "FIELD_HASH_KEY": new_key(),
            **extra_env,
        }
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_production_profile_passes_check_deploy_without_warnings():
    result = _check({"SECRET_KEY": secrets.token_urlsafe(50)}, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_proxy_that_redirects_still_passes(tmp_path):
    result = _check(
        {"SECRET_KEY": secrets.token_urlsafe(50), "SECURE_SSL_REDIRECT": "false", "BEHIND_PROXY": "true"},
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_the_development_key():
    result = _check({})
    assert result.returncode != 0
    assert "accounts.E001" in result.stderr


def test_production_refuses_personal_data_keys_derived_from_secret_key():
    result = _check({"SECRET_KEY": secrets.token_urlsafe(50), "FIELD_ENCRYPTION_KEY": "", "FIELD_HASH_KEY": ""})
    assert result.returncode != 0
    assert result.stderr.count("accounts.E002") == 2


def test_a_malformed_key_is_refused_everywhere():
    result = _check({"ALLOWED_HOSTS": "", "DEBUG": "true", "FIELD_ENCRYPTION_KEY": "too-short"})
    assert result.returncode != 0
    assert "accounts.E003" in result.stderr


def test_development_runs_without_keys():
    env = {"DEBUG": "true", "FIELD_ENCRYPTION_KEY": "", "FIELD_HASH_KEY": ""}
    result = _check({**env, "ALLOWED_HOSTS": ""})
    assert result.returncode == 0, result.stderr


def test_defaults_are_chinese_and_shanghai():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert settings.TIME_ZONE == "Asia/Shanghai"
    assert settings.USE_TZ is True
