"""A real Celery worker in its own process group, for tests that kill it like an OOM killer."""

import os
import signal
import subprocess
import sys

from django.conf import settings


class CeleryWorkerProcess:
    """Subclasses set `self.env` (the worker's environment) and `self.queue` (the one it reads)."""

    env: dict
    queue: str
    process: subprocess.Popen | None = None

    def start(self):
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "config",
                "worker",
                "--pool=solo",
                "--loglevel=WARNING",
                "-Q",
                self.queue,
                "-n",
                f"{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=settings.BASE_DIR,
            env=self.env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def kill(self):
        """SIGKILL to the whole process group, parent included: no cleanup, no ack."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
