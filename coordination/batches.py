"""One upload → preview → confirm flow for every spreadsheet import (the directory's facility
files, the past consultation logs).

An upload becomes a batch row holding the file, so that any application host and the task worker
can reach it. The preview and the confirm are background tasks (Django Tasks, with django-tasks-db
the database is the queue): a request never runs long work, and a reload never uploads again.

Each step has a queued and a running state, and work starts only after the batch row moved from
one to the other in one UPDATE (`claim`): two confirms, two workers or a retry racing a worker
never run a step twice. A step that fails marks the batch 失敗 with its reason (its own
transaction rolled back, so nothing is half-saved) and can be retried."""

import datetime
import logging
from importlib import import_module

from django.apps import apps
from django.conf import settings
from django.db import OperationalError, models
from django.tasks import task
from django.utils import timezone

from coordination.spreadsheets import SpreadsheetError

logger = logging.getLogger(__name__)

PREVIEW, CONFIRM = "preview", "confirm"
# A running step whose progress has not moved for this long is taken as lost (a worker that was
# killed), so that an admin can start it again.
STALE_AFTER = datetime.timedelta(minutes=15)
# A step still waiting for the task worker after this has most likely no worker to run it
# (`python manage.py db_worker` not started): the page says so instead of waiting in silence.
WAITING_WARNING_AFTER = datetime.timedelta(minutes=1)


def quiet_for(record, limit):
    """Whether a piece of background work (an import batch, a round's mailing) has shown no sign
    of life (heartbeat, else its creation) for longer than `limit`."""
    return (record.heartbeat or record.created_at) < timezone.now() - limit


class Progress:
    """What the pages of a piece of background work (an import batch, a round's mailing) read of
    its row: whether it is still to run, has gone quiet, and how far it is. The row names its own
    states (RUNNING_STATES, QUEUED_STATES) and has `done`, `total`, `heartbeat` and `created_at`."""

    RUNNING_STATES = ()
    QUEUED_STATES = ()

    @property
    def is_running(self):
        return self.status in self.RUNNING_STATES

    @property
    def is_stale(self):
        """Running, but nothing has moved for a long time: the worker was lost."""
        return self.is_running and quiet_for(self, STALE_AFTER)

    @property
    def is_waiting_long(self):
        """Queued and not picked up by the task worker for a while (no worker running?)."""
        return self.status in self.QUEUED_STATES and quiet_for(self, WAITING_WARNING_AFTER)

    @property
    def percent(self):
        if not self.total:
            return None
        return min(100, round(100 * self.done / self.total))


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "読み込み待ち"
    PREVIEWING = "previewing", "読み込み中"
    READY = "ready", "確認待ち"
    CONFIRM_QUEUED = "confirm_queued", "取込待ち"
    CONFIRMING = "confirming", "取込中"
    DONE = "done", "取込済み"
    FAILED = "failed", "失敗"


# step → (queued state, running state)
STEPS = {
    PREVIEW: (BatchStatus.QUEUED, BatchStatus.PREVIEWING),
    CONFIRM: (BatchStatus.CONFIRM_QUEUED, BatchStatus.CONFIRMING),
}
RUNNING = (BatchStatus.QUEUED, BatchStatus.PREVIEWING, BatchStatus.CONFIRM_QUEUED, BatchStatus.CONFIRMING)


class ImportBatch(Progress, models.Model):
    """What every import batch has: the file, who uploaded it, the state of its steps and their
    progress. A subclass names its `pipeline` module, whose `preview(batch)` and `confirm(batch)` return nothing
    and raises on failure (the confirm inside its own transaction)."""

    Status = BatchStatus
    RUNNING_STATES = RUNNING
    QUEUED_STATES = (BatchStatus.QUEUED, BatchStatus.CONFIRM_QUEUED)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="取込者",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("日時", default=timezone.now)
    file_name = models.CharField("ファイル名", max_length=255)
    content = models.BinaryField(default=b"")
    status = models.CharField("状態", max_length=20, choices=BatchStatus, default=BatchStatus.QUEUED)
    phase = models.CharField("処理中の段階", max_length=100, blank=True)
    done = models.PositiveIntegerField("処理済み", default=0)
    total = models.PositiveIntegerField("全体", default=0)
    heartbeat = models.DateTimeField("最終更新", null=True, blank=True)
    failed_step = models.CharField(max_length=10, blank=True)
    failure = models.TextField("失敗の理由", blank=True)
    finished_at = models.DateTimeField("完了日時", null=True, blank=True)

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.file_name}（{self.get_status_display()}）"

    # --- state ------------------------------------------------------------------------------

    @property
    def can_retry(self):
        return self.status == BatchStatus.FAILED or self.is_stale

    def claim(self, current, new, **fields):
        """Move the batch from `current` (a state or a list of states) to `new` in one UPDATE;
        False when another request or worker moved it first."""
        states = [current] if isinstance(current, str) else list(current)
        claimed = (
            type(self)
            .objects.filter(pk=self.pk, status__in=states)
            .update(status=new, heartbeat=timezone.now(), **fields)
        )
        if claimed:
            self.status = new
            for name, value in fields.items():
                setattr(self, name, value)
        return bool(claimed)

    def report(self, phase, done=0, total=None):
        """Progress for the batch page. Written at once; inside the confirm's transaction other
        connections see it only at the commit, so the confirm names its writing phase before."""
        self.phase, self.done = phase, done
        if total is not None:
            self.total = total
        type(self).objects.filter(pk=self.pk).update(
            phase=phase, done=done, total=self.total, heartbeat=timezone.now()
        )

    # --- steps ------------------------------------------------------------------------------

    def preview_done(self, failure=""):
        """The end of a pipeline's preview, saved: 確認待ち, or 失敗 at the preview with `failure`
        (what the uploader should do) when the file has nothing to import."""
        if failure:
            self.status, self.failed_step, self.failure = BatchStatus.FAILED, PREVIEW, failure
        else:
            self.status, self.phase = BatchStatus.READY, "確認待ち"
        self.save()

    def confirm_done(self):
        """The end of a pipeline's confirm, saved: 取込済み, finished now."""
        self.status, self.phase, self.finished_at = BatchStatus.DONE, "完了", timezone.now()
        self.save()

    def enqueue(self, step):
        """Hand the step to the task worker. The queue is a table of the same database, so a
        task enqueued inside a transaction reaches the worker only if that transaction commits."""
        run_step.enqueue(self._meta.label, self.pk, step)

    def request_confirm(self, **fields):
        """The admin's confirm: claimed here, so that a second click or a second admin gets False.
        `fields` are saved in the same UPDATE (what the admin agreed to on the batch page)."""
        if self.claim(
            BatchStatus.READY, BatchStatus.CONFIRM_QUEUED, phase="取込の順番を待っています", done=0, **fields
        ):
            self.enqueue(CONFIRM)
            return True
        return False

    def request_retry(self):
        # A failed step says which it was; a stalled one is the step whose state it is stuck in.
        step = self.failed_step or next(
            (name for name, states in STEPS.items() if self.status in states), PREVIEW
        )
        states = [BatchStatus.FAILED] + ([self.status] if self.is_stale else [])
        if self.claim(
            states, STEPS[step][0], failure="", failed_step="", done=0, phase="やり直しを待っています"
        ):
            self.enqueue(step)
            return True
        return False

    def execute(self, step):
        queued, running = STEPS[step]
        if not self.claim(queued, running, phase="開始しました", done=0):
            return  # another worker has it, or it was cancelled
        try:
            if step == PREVIEW:
                self.run_preview()
            else:
                self.run_confirm()
        except Exception as exc:  # the reason is shown to the admin; the trace goes to the log
            logger.exception("import batch %s %s failed", self._meta.label, self.pk)
            type(self).objects.filter(pk=self.pk).update(
                status=BatchStatus.FAILED,
                failed_step=step,
                failure=failure_text(exc),
                heartbeat=timezone.now(),
            )
            self.status, self.failed_step, self.failure = BatchStatus.FAILED, step, failure_text(exc)

    # The dotted path of the module with the subclass's `preview(batch)` and `confirm(batch)`.
    # It is named, not imported, because that module imports the subclass's models: the
    # pipeline depends on the models, never the other way round.
    pipeline = ""

    def run_preview(self):
        import_module(self.pipeline).preview(self)

    def run_confirm(self):
        import_module(self.pipeline).confirm(self)


def failure_text(exc):
    """A Japanese reason for the batch page: the portal's own messages as they are, anything
    else named as an unexpected error (its details are in the server log)."""
    if isinstance(exc, SpreadsheetError):
        return str(exc)
    if isinstance(exc, OperationalError):
        return f"データベースが混み合っていたため中断しました。やり直してください（{exc}）。"
    return f"予期しないエラーで中断しました（{type(exc).__name__}: {str(exc)[:200]}）。やり直すか、管理者に連絡してください。"


@task
def run_step(model_label, pk, step):
    """The background task behind every batch step."""
    model = apps.get_model(model_label)
    batch = model.objects.filter(pk=pk).first()
    if batch is not None:
        batch.execute(step)
