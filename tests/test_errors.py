"""One error root: every error the pipeline raises on purpose carries its exit code, and the
``claims`` command maps it to that code in one place."""
from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest

import pipeline
from pipeline import cli
from pipeline.errors import ClaimsError, ExitCode, UsageError


def _error_classes() -> list[type[BaseException]]:
    found = []
    for info in pkgutil.walk_packages(pipeline.__path__, "pipeline."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for _, obj in inspect.getmembers(module, inspect.isclass):
            if (issubclass(obj, Exception) and obj.__module__ == module.__name__
                    and not obj.__name__.startswith("_")):
                found.append(obj)
    return found


def test_every_public_error_of_the_pipeline_derives_from_the_root():
    classes = _error_classes()
    assert len(classes) >= 10
    strays = [f"{c.__module__}.{c.__name__}" for c in classes if not issubclass(c, ClaimsError)
              and c.__name__ not in ("ItemTooLarge",)]
    assert not strays, f"derive these from pipeline.errors.ClaimsError: {strays}"


def test_the_lock_and_usage_errors_carry_their_codes():
    from pipeline.explore.sql import DatasetNotFound
    from pipeline.export.lock import DatasetLocked
    from pipeline.ingest.fields import FieldMappingError

    assert DatasetLocked("x").exit_code == ExitCode.LOCKED
    assert DatasetNotFound("x").exit_code == FieldMappingError("x").exit_code == ExitCode.USAGE


def test_main_turns_an_error_into_its_message_and_exit_code(monkeypatch, capsys):
    def fails() -> str:
        raise UsageError("the thing at /tmp/x is not a dataset; make one with claims run")

    monkeypatch.setattr("pipeline.schema.data_dictionary_markdown", fails)
    assert cli.main(["schema"]) == ExitCode.USAGE
    assert "claims schema: the thing at /tmp/x is not a dataset" in capsys.readouterr().err


def test_help_lists_every_exit_code():
    text = ExitCode.describe()
    for code in ExitCode:
        assert str(int(code)) in text


@pytest.mark.parametrize("code", list(ExitCode))
def test_exit_codes_are_plain_ints(code):
    assert isinstance(int(code), int)
