"""The import contracts in pyproject.toml name every module of the package (holidays-style:
the registry, the data and the code agree), so a new module cannot escape the layering."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "forlob"
# the shells on top of the domain core: the clinic app and the command line
SHELLS = {"forlob.web", "forlob.cli", "forlob.commands"}


def contracts() -> dict[str, dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def top_level_modules() -> set[str]:
    names = set()
    for p in PACKAGE.iterdir():
        if p.is_dir() and (p / "__init__.py").exists():
            names.add(f"forlob.{p.name}")
        elif p.suffix == ".py" and p.name != "__init__.py":
            names.add(f"forlob.{p.stem}")
    return names


def test_every_module_is_either_domain_core_or_a_shell():
    domain = set(contracts()["domain-core"]["source_modules"])  # type: ignore[arg-type]
    modules = top_level_modules()
    assert modules - SHELLS == domain, "add the module to the domain-core contract"


def test_the_domain_core_may_not_import_django_or_the_shells():
    forbidden = set(contracts()["domain-core"]["forbidden_modules"])  # type: ignore[arg-type]
    assert {"django", "forlob.web"} <= forbidden
    assert (SHELLS & top_level_modules()) <= forbidden


def test_every_domain_module_is_typed_strictly():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    strict = [
        o for o in config["tool"]["mypy"]["overrides"] if o.get("disallow_untyped_defs") is True
    ]
    assert len(strict) == 1
    override = strict[0]
    covered = {m.removesuffix(".*") for m in override["module"]}
    domain = set(contracts()["domain-core"]["source_modules"])  # type: ignore[arg-type]
    assert covered == domain, "type the new domain module strictly (pyproject [tool.mypy])"
    assert override["warn_return_any"] and override["disallow_any_generics"]
