"""The one-time code arithmetic (RFC 6238) and recovery codes, without HTTP."""

from datetime import UTC, datetime

import pyotp

from accounts import totp

# RFC 6238 appendix B: the SHA-1 key "12345678901234567890"; at T = 59 s the 8-digit code is 94287082.
RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
AT_59 = datetime.fromtimestamp(59, tz=UTC)


def test_rfc_6238_test_vector():
    assert totp.step_at(AT_59) == 1
    assert totp.code_for_step(RFC_SECRET, 1) == "287082"  # the last 6 of 94287082


def test_accepts_one_step_either_side_and_no_further():
    at = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)
    app = pyotp.TOTP(RFC_SECRET)
    step = totp.step_at(at)
    for offset in (-1, 0, 1):
        assert totp.matching_step(RFC_SECRET, app.at(at, counter_offset=offset), at) == step + offset
    for offset in (-2, 2):
        assert totp.matching_step(RFC_SECRET, app.at(at, counter_offset=offset), at) is None


def test_spaces_in_a_code_are_ignored_and_letters_refused():
    at = datetime(2026, 3, 2, 9, 0, 15, tzinfo=UTC)
    code = pyotp.TOTP(RFC_SECRET).at(at)
    assert totp.matching_step(RFC_SECRET, f" {code[:3]} {code[3:]} ", at) is not None
    assert totp.matching_step(RFC_SECRET, "abcdef", at) is None


def test_provisioning_uri_and_qr_code_are_local():
    uri = totp.provisioning_uri(RFC_SECRET, account="staff_a", issuer="人才联系服务管理系统")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={RFC_SECRET}" in uri
    assert totp.qr_data_uri(uri).startswith("data:image/svg+xml")


def test_secret_groups_of_four():
    assert totp.secret_groups("ABCDEFGHIJ") == ["ABCD", "EFGH", "IJ"]


def test_ten_distinct_recovery_codes_hashed_without_their_text():
    codes = totp.new_recovery_codes()
    assert len(set(codes)) == 10
    assert all(len(code) == 11 and code[5] == "-" for code in codes)
    digest = totp.recovery_code_hash(codes[0])
    assert codes[0] not in digest
    assert totp.recovery_code_hash(codes[0].upper().replace("-", " ")) == digest
