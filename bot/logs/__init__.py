"""Logs on stderr: one JSON object per line for machines, readable text on a terminal.

Every `logging.getLogger(...)` in the bot and in its libraries goes through one structlog
formatter, so fields passed with `extra=` become JSON keys and the redaction step sees every line,
tracebacks included. The event names the bot emits are listed in README ("Logs").
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType
from typing import TextIO

import structlog
from structlog.typing import EventDict, Processor, WrappedLogger

from bot.logs.redaction import Redactor

log = logging.getLogger("studybot")


def _redacting(redactor: Redactor) -> Processor:
    def redact(_logger: WrappedLogger, _method: str, event: EventDict) -> EventDict:
        return {key: redactor.value(value) for key, value in event.items()}

    return redact


def formatter(redactor: Redactor, *, as_json: bool, colors: bool = False,
              ) -> structlog.stdlib.ProcessorFormatter:
    renderer: Processor = (
        structlog.processors.JSONRenderer(default=str) if as_json
        else structlog.dev.ConsoleRenderer(colors=colors,
                                           exception_formatter=structlog.dev.plain_traceback)
    )
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[
            structlog.stdlib.add_log_level,
            structlog.stdlib.add_logger_name,
            structlog.stdlib.ExtraAdder(),
            structlog.processors.TimeStamper(fmt="iso", utc=True),
        ],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # The traceback becomes text before redaction, so a secret in an exception's
            # message or in a library's frame is masked like any other (no rich locals either).
            structlog.processors.format_exc_info,
            _redacting(redactor),
            renderer,
        ],
    )


def configure(level: str, redactor: Redactor, stream: TextIO | None = None,
              as_json: bool | None = None) -> None:
    """Send every log record to `stream` (stderr): JSON unless it is a terminal."""
    stream = stream or sys.stderr
    if as_json is None:
        as_json = not stream.isatty()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(formatter(redactor, as_json=as_json, colors=stream.isatty()))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    # APScheduler logs every tick at INFO; our own tick event says what matters.
    logging.getLogger("apscheduler").setLevel(max(logging.WARNING, logging.getLevelName(level)))
    logging.captureWarnings(True)
    sys.excepthook = _log_crash


def _log_crash(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
    # The interpreter would print the traceback raw; through the log it is redacted (and JSON).
    if issubclass(kind, KeyboardInterrupt):
        sys.__excepthook__(kind, error, trace)
        return
    log.critical("crashed", exc_info=(kind, error, trace))

