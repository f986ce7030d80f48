"""Data flows one way: a module imports only from layers to its left (docs/architecture.md)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "zhongcao"

# Layer order; `errors` and the package root are shared by all. `simulate` stands beside the
# chain and may use only the contract.
ORDER = ["contract", "ingest", "engine", "text", "analyses", "findings", "report", "pipeline", "web", "cli"]
ALLOWED: dict[str, set[str]] = {layer: set(ORDER[:i]) | {layer, "errors"} for i, layer in enumerate(ORDER)}
ALLOWED["simulate"] = {"simulate", "contract", "errors"}
ALLOWED["cli"] |= {"simulate"}
ALLOWED["errors"] = {"errors"}
ENGINE_ONLY = {"duckdb", "pyspark"}


def layer_of(path: Path) -> str:
    rel = path.relative_to(SRC)
    return rel.parts[0].removesuffix(".py")


def imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


MODULES = sorted(p for p in SRC.rglob("*.py") if p.name != "__init__.py" or p.parent != SRC)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(SRC)))
def test_module_imports_only_from_layers_to_its_left(path: Path) -> None:
    layer = layer_of(path)
    assert layer in ALLOWED, f"{layer} is not a declared layer; add it to docs/architecture.md and ORDER"
    for module, line in imports(path):
        top = module.split(".")[0]
        if top in ENGINE_ONLY:
            assert layer == "engine", f"{path.name}:{line} imports {module}; only the engine may"
        if top != "zhongcao" or module == "zhongcao":
            continue
        target = module.split(".")[1]
        assert target in ALLOWED[layer], f"{path.relative_to(SRC)}:{line} ({layer}) imports {module}"


def test_architecture_doc_lists_every_layer() -> None:
    doc = (SRC.parents[1] / "docs" / "architecture.md").read_text(encoding="utf-8")
    for layer in [*ORDER, "simulate"]:
        if (SRC / layer).exists() or (SRC / f"{layer}.py").exists():
            assert f"`{layer}`" in doc, layer


def test_modules_stay_small() -> None:
    for path in MODULES:
        lines = len(path.read_text(encoding="utf-8").splitlines())
        assert lines <= 650, f"{path.relative_to(SRC)} has {lines} lines; split it"


def test_every_data_file_ships_in_the_package() -> None:
    """A wheel carries only the globs in pyproject's package-data: each non-Python file must match one."""
    import fnmatch
    import tomllib

    pyproject = tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    globs = pyproject["tool"]["setuptools"]["package-data"]["zhongcao"]
    for path in SRC.rglob("*"):
        if path.is_file() and path.suffix != ".py" and "__pycache__" not in path.parts:
            name = "x/" + path.name  # the globs are all **/*.<ext>
            assert any(fnmatch.fnmatch(name, g) for g in globs), f"{path.relative_to(SRC)} would not ship"
