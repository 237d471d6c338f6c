"""The run configuration: read once, every default from models/pipeline.toml, overrides checked."""
import pytest

from pipeline import config as config_mod
from pipeline.config import DEFAULT_CONFIG, ConfigError, load_config, run_options
from pipeline.errors import ExitCode


def test_defaults_come_from_the_shipped_config():
    shipped = load_config()["run"]
    options = run_options()
    assert (options.batch_size, options.n_process, options.task_batch) == (
        shipped["batch_size"], shipped["n_process"], shipped["task_batch"])


def test_a_config_without_run_settings_takes_them_from_the_shipped_one(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text('[model]\nname = "somewhere"\n[pipeline]\ncomponents = []\n[run]\nbatch_size = 4\n',
                   encoding="utf-8")
    options = run_options(own, n_process=3)
    assert options.batch_size == 4 and options.n_process == 3
    assert options.task_batch == load_config(DEFAULT_CONFIG)["run"]["task_batch"]
    assert options.config["model"]["name"] == "somewhere"


def test_a_bad_count_names_where_it_came_from(tmp_path):
    own = tmp_path / "own.toml"
    own.write_text('extends = "%s"\n[run]\ntask_batch = 0\n' % DEFAULT_CONFIG.as_posix(), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"task_batch must be a whole number of at least 1, not 0 \(from the config .*own.toml"):
        run_options(own)
    with pytest.raises(ConfigError, match="from the command line"):
        run_options(batch_size=0)
    with pytest.raises(ConfigError, match="missing must be 'keep' or 'drop'"):
        run_options(missing="forget")
    assert ConfigError("x").exit_code == ExitCode.USAGE


def test_a_missing_or_broken_config_file_is_a_usage_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")
    broken = tmp_path / "broken.toml"
    broken.write_text("[run\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(broken)


def test_a_bad_field_mapping_is_refused_with_its_source(tmp_path):
    with pytest.raises(ConfigError, match="--fields"):
        run_options(fields="text")


def test_each_file_is_parsed_once_until_it_changes(tmp_path, monkeypatch):
    own = tmp_path / "own.toml"
    own.write_text("[run]\nbatch_size = 4\n", encoding="utf-8")
    reads = []
    real = config_mod._read
    monkeypatch.setattr(config_mod, "_read", lambda path: reads.append(path) or real(path))
    first = load_config(own)
    first["run"]["batch_size"] = 99  # the caller's copy: the cache is not touched
    assert load_config(own)["run"]["batch_size"] == 4 and len(reads) == 1
    own.write_text("[run]\nbatch_size = 5\n# changed\n", encoding="utf-8")
    assert load_config(own)["run"]["batch_size"] == 5 and len(reads) == 2
