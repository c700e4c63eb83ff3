import pytest

from accounts.tasks import ping


def test_task_runs_in_a_real_worker_through_redis(celery_worker_process):
    result = ping.apply_async(queue=celery_worker_process)
    assert result.get(timeout=60).startswith("pong from ")


def test_broker_is_redis(settings):
    assert settings.CELERY_BROKER_URL.startswith("redis://"), "the test command must point REDIS_URL at Redis"
    assert settings.CELERY_TASK_ALWAYS_EAGER is False


@pytest.mark.django_db
def test_tasks_run_eagerly_without_a_broker(settings):
    # With no broker the same code path runs in-process: the zero-setup default.
    from talentliaison.celery import app

    app.conf.task_always_eager = True
    try:
        assert ping.delay().get().startswith("pong")
    finally:
        app.conf.task_always_eager = False
