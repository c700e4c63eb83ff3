import socket

from celery import shared_task


@shared_task
def ping() -> str:
    """Answer with the worker's host name: proves a task reached a worker and came back."""
    return f"pong from {socket.gethostname()}"
