"""Task log files for tasks that ``dag.test()`` runs in this process.

A worker's supervisor writes each task's log, as JSON lines, to the file Airflow's log reader
reads (``[logging] base_log_folder`` / ``log_filename_template``). ``dag.test()`` runs the tasks
in-process with no supervisor, so they log to the console only and the UI finds no file. The
listener here, registered by ``install()``, writes each task's records to that same file, in the
same format: it opens the file when the task starts running and closes it when the task ends.
"""

from __future__ import annotations

import logging
from typing import Any

from airflow.listeners import hookimpl

# records of the task's own code at INFO (Airflow's logging level may keep them off the console)
TASK_LOGGERS = ("pilotage",)


def _json_formatter() -> logging.Formatter:
    """Stdlib records as the JSON lines a worker writes (Airflow's processors: timestamp,
    level, event, logger, secrets masked; an exception as ``error_detail``, which the UI shows)."""
    import structlog
    from airflow.sdk.log import logging_processors

    *chain, render = logging_processors(json_output=True)

    def error_detail(_logger: Any, _name: str, event: dict) -> dict:
        if exc := event.pop("exception", None):
            event["error_detail"] = exc
        return event

    def to_text(logger: Any, name: str, event: dict) -> str:
        line = render(logger, name, event)
        return line.decode("utf-8") if isinstance(line, bytes) else line

    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[structlog.stdlib.add_logger_name, *chain],
        processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, error_detail, to_text])


def log_path(task_instance: Any):
    """The file Airflow's reader reads for this try (created with Airflow's permissions)."""
    from airflow.sdk.log import init_log_file
    from airflow.utils.helpers import log_filename_template_renderer

    return init_log_file(log_filename_template_renderer()(ti=task_instance))


class TaskLogFiles:
    """Listener: while a task runs, the root logger also writes to the task's log file."""

    def __init__(self) -> None:
        self.handler: logging.FileHandler | None = None
        self.levels: dict[str, int] = {}

    @hookimpl
    def on_task_instance_running(self, previous_state: Any, task_instance: Any) -> None:
        self.close()
        handler = logging.FileHandler(log_path(task_instance), mode="a", encoding="utf-8")
        handler.setFormatter(_json_formatter())
        logging.getLogger().addHandler(handler)
        self.handler = handler
        for name in TASK_LOGGERS:
            logger = logging.getLogger(name)
            self.levels[name] = logger.level
            if logger.getEffectiveLevel() > logging.INFO:
                logger.setLevel(logging.INFO)
        self._write(logging.INFO, "Task %s started (try %s, run in-process by dag.test())",
                    task_instance.task_id, task_instance.try_number)

    @hookimpl
    def on_task_instance_success(self, previous_state: Any, task_instance: Any) -> None:
        self._write(logging.INFO, "Task %s succeeded", task_instance.task_id)

    @hookimpl
    def on_task_instance_skipped(self, previous_state: Any, task_instance: Any) -> None:
        self._write(logging.INFO, "Task %s skipped", task_instance.task_id)

    @hookimpl
    def on_task_instance_failed(self, previous_state: Any, task_instance: Any, error: Any) -> None:
        """Airflow's runner logs the exception on the console only: the file gets it too."""
        exc_info = (type(error), error, error.__traceback__) if isinstance(error, BaseException) else None
        self._write(logging.ERROR, "Task %s failed: %s", task_instance.task_id, error, exc_info=exc_info)

    @hookimpl
    def before_stopping(self, component: Any) -> None:
        self.close()

    def _write(self, level: int, msg: str, *args: Any, exc_info: Any = None) -> None:
        """A line in the task's file only (the console already has Airflow's own)."""
        if self.handler is not None:
            record = logging.LogRecord("airflow.task", level, __file__, 0, msg, args, exc_info)
            self.handler.handle(record)

    def close(self) -> None:
        """Stop writing to the task's file and restore the loggers' levels."""
        if self.handler is None:
            return
        logging.getLogger().removeHandler(self.handler)
        self.handler.close()
        self.handler = None
        for name, level in self.levels.items():
            logging.getLogger(name).setLevel(level)
        self.levels.clear()


LISTENER = TaskLogFiles()


def install() -> TaskLogFiles:
    """Register the listener with the Task SDK's listener manager (once per process)."""
    from airflow.sdk.listener import get_listener_manager

    get_listener_manager().add_listener(LISTENER)
    return LISTENER
