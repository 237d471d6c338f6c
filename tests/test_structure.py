"""The folder layout is the architecture: every part of ``pipeline/`` imports only lower layers.

The layers are read from the README's architecture table, so the table and the code cannot drift.
"""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _layers() -> dict[str, int]:
    table = (ROOT / "README.md").read_text(encoding="utf-8").split("## Architecture", 1)[1].split("\n## ", 1)[0]
    layers = {}
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 3 and cells[0].isdigit() and cells[1].startswith("`pipeline/"):
            name = cells[1].strip("`").removeprefix("pipeline/").rstrip("/")
            layers[name.removesuffix(".py")] = int(cells[0])
    return layers


def _part(module: str, layers: dict[str, int]) -> str | None:
    """The architecture part a ``pipeline.x.y`` module belongs to (the longest listed prefix)."""
    parts = module.split(".")[1:]
    for n in range(len(parts), 0, -1):
        if "/".join(parts[:n]) in layers:
            return "/".join(parts[:n])
    return None


def _imports(path: Path) -> list[str]:
    """Every ``pipeline`` module ``path`` imports, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").startswith("pipeline"):
            if node.module == "pipeline":
                found += [f"pipeline.{a.name}" for a in node.names]
            else:
                found.append(node.module)
        elif isinstance(node, ast.Import):
            found += [a.name for a in node.names if a.name.startswith("pipeline.")]
    return found


def test_every_import_goes_to_a_lower_layer():
    layers = _layers()
    assert {"errors", "ingest", "nlp", "stage", "flows", "cli"} <= set(layers), "architecture table not found"
    wrong = []
    for path in sorted((ROOT / "pipeline").rglob("*.py")):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if module == "pipeline":
            continue  # the package facade: lazy `load`/`extract` from api
        here = _part(module, layers)
        assert here is not None, f"{path} belongs to no part of the README's architecture table"
        for target in _imports(path):
            if target == "pipeline.__version__":
                continue
            there = _part(target, layers)
            if there is None or there == here or here.startswith(there + "/") or there.startswith(here + "/"):
                continue  # inside its own part (a sub-package such as nlp/attribution counts as its parent)
            if layers[there] >= layers[here]:
                wrong.append(f"{module} (layer {layers[here]}) imports {target} (layer {layers[there]})")
    assert not wrong, "imports that reach up or sideways:\n" + "\n".join(wrong)


def test_the_check_sees_an_upward_import(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from pipeline.cli import main\n", encoding="utf-8")
    layers = _layers()
    assert _imports(probe) == ["pipeline.cli"] and layers[_part("pipeline.cli", layers)] > layers["flows"]
