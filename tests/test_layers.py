"""The layers hold: import-linter's contracts in pyproject.toml, checked here so
CI enforces them (cli > app > screens > widgets > store > domain; the domain
imports no UI or database library; widgets no store; screens only the facade)."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def check(config: Path, monkeypatch: pytest.MonkeyPatch, *, path: Path) -> int:
    """Run the contracts of ``config`` over the packages found on ``path``."""
    monkeypatch.syspath_prepend(str(path))
    monkeypatch.chdir(path)
    return lint_imports(config_filename=str(config), no_cache=True, no_logo=True)


def test_the_contracts_in_pyproject_hold(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code = check(ROOT / "pyproject.toml", monkeypatch, path=ROOT)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "4 kept, 0 broken" in report, report


def test_a_screen_reaching_past_the_facade_breaks_a_contract(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The check is not vacuous: the same contracts over a small copy of the
    layout, where a screen imports the repository and a domain module imports
    textual, report both broken."""
    package = tmp_path / "callmate"
    for folder in ("", "screens", "widgets", "store", "domain"):
        (package / folder).mkdir(parents=True, exist_ok=True)
        (package / folder / "__init__.py").write_text("")
    for module in ("cli", "app"):
        (package / f"{module}.py").write_text("")
    for store_module in (ROOT / "callmate" / "store").glob("*.py"):
        if store_module.stem != "__init__":
            (package / "store" / store_module.name).write_text("")
    (package / "screens" / "home.py").write_text(
        "def later():\n    from callmate.store.repository import x\n"
    )
    (package / "domain" / "models.py").write_text("import textual\n")
    config = ROOT / "pyproject.toml"
    sample = tmp_path / "pyproject.toml"
    sample.write_text(config.read_text(encoding="utf-8"))
    for name in [n for n in sys.modules if n == "callmate" or n.startswith("callmate.")]:
        monkeypatch.delitem(sys.modules, name)
    code = check(sample, monkeypatch, path=tmp_path)
    report = capsys.readouterr().out
    assert code != 0
    assert "callmate.screens.home -> callmate.store.repository" in report, report
    assert "callmate.domain.models -> textual" in report, report


def test_the_config_names_every_store_module_but_the_facade() -> None:
    """A store module added later is forbidden to screens too (or this fails)."""
    import tomllib

    contracts = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    screens = next(
        c
        for c in contracts["tool"]["importlinter"]["contracts"]
        if c.get("source_modules") == ["callmate.screens"]
    )
    modules = {
        f"callmate.store.{p.stem}"
        for p in (ROOT / "callmate" / "store").glob("*.py")
        if p.stem not in ("__init__", "service")
    }
    assert modules <= set(screens["forbidden_modules"]), textwrap.shorten(
        str(sorted(modules - set(screens["forbidden_modules"]))), 200
    )
