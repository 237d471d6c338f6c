"""Every explore subcommand is registered, documents its exit codes, and answers --help."""
import pytest

from pipeline.cli import build_parser


@pytest.mark.parametrize("command", ["report", "sql", "show"])
def test_help_lists_exit_codes(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        build_parser().parse_args([command, "--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert "exit codes: 0 ok" in out and "claims run" in out and "example" in out


def test_top_level_help_names_the_commands(capsys):
    with pytest.raises(SystemExit):
        build_parser().parse_args(["--help"])
    out = capsys.readouterr().out
    assert all(name in out for name in ("report", "sql", "show"))
