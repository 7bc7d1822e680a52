"""`liandong worker --no-tasks` is a relay only: its scheduler holds the relay job and none of the scheduled tasks."""

from __future__ import annotations

from datetime import timezone

from apscheduler.schedulers.background import BackgroundScheduler


def _job_ids(engine, *, tasks: bool) -> set[str]:
    from liandong.linkage.worker import Worker

    worker = Worker(engine, concurrency=1)
    scheduler = BackgroundScheduler(timezone=timezone.utc)
    try:
        worker._jobs(scheduler, interval=1.0, tasks=tasks)
        return {job.id for job in scheduler.get_jobs()}
    finally:
        worker.relay.close()


def test_a_relay_only_worker_schedules_no_task(engine):
    from liandong.linkage.worker import load_tasks

    every = {task.name for task in load_tasks()}
    assert "notify.send" in every  # the citizens' notifications: what a relay-only worker leaves to the others
    assert _job_ids(engine, tasks=False) == {"linkage.relay"}
    assert _job_ids(engine, tasks=True) == {"linkage.relay", *every}
