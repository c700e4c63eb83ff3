"""A password hasher for the test suite only."""

from django.contrib.auth.hashers import PBKDF2PasswordHasher


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    """PBKDF2-SHA256 with 1,000 rounds instead of Django's 1,000,000.

    Each persona and factory user costs half a second of CPU at the production count, which was
    most of the suite's time. The hashes keep the ``pbkdf2_sha256`` format with their round count
    inside, so processes the tests start with the production settings (gunicorn, Celery) still
    verify them, and upgrade them on a login as they would an old hash.
    """

    iterations = 1000
