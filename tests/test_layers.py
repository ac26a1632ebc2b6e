"""The architecture, checked: each subpackage imports only from the layers below it, and no module
imports itself back through others (function-local imports count: they are imports too)."""
import ast
import sys
from pathlib import Path

from conftest import ROOT

# Lowest first. A module may import from its own layer and the ones before it; the cnbef package itself
# (cnbef/__init__.py: load, PACKAGE_DIR, __version__) is the public face, for the command line only.
LAYERS = ["text", "package", "validation", "curation", "publish", "releases", "tools", "cli"]
PACKAGE = ROOT / "cnbef"


def module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """The cnbef modules a file imports, wherever in the file the import stands."""
    name, found = module_of(path), set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "cnbef"}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "cnbef":
                continue
            for alias in node.names:  # `from cnbef.package import flat` imports the module cnbef.package.flat
                sub = f"{base}.{alias.name}"
                found.add(sub if (PACKAGE.parent / (sub.replace(".", "/") + ".py")).is_file() else base)
    return found - {name}


def graph() -> dict[str, set[str]]:
    return {module_of(p): imports(p) for p in PACKAGE.rglob("*.py")}


def layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1 or parts[1] in ("__main__",):
        return len(LAYERS)  # cnbef itself and python -m cnbef: above everything
    assert parts[1] in LAYERS, f"{module} is in no layer; put it in one of {LAYERS}"
    return LAYERS.index(parts[1])


def test_every_module_belongs_to_a_layer():
    for module in graph():
        layer(module)


def test_imports_point_down_the_layers():
    upward = sorted(f"{m} imports {i}" for m, found in graph().items() for i in found
                    if layer(i) > layer(m) and not (layer(m) == LAYERS.index("cli") and i == "cnbef"))
    assert upward == []


def test_no_import_cycle():
    edges = graph()
    cycles, state = [], {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]) if nxt in path else f"{node} -> {nxt}")
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = "done"
    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_the_checker_sees_an_upward_import_and_a_cycle(tmp_path, monkeypatch):
    """The three tests above on a made-up package: they fail when they should."""
    fake = tmp_path / "cnbef"
    for name, text in {"__init__.py": "", "text/__init__.py": "", "package/__init__.py": "",
                       "text/a.py": "def f():\n    from cnbef.package.b import g\n",
                       "package/b.py": "from cnbef.text import a\n"}.items():
        (fake / name).parent.mkdir(parents=True, exist_ok=True)
        (fake / name).write_text(text, encoding="utf-8")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", tmp_path)
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert graph()["cnbef.text.a"] == {"cnbef.package.b"}
    try:
        test_imports_point_down_the_layers()
    except AssertionError as exc:
        assert "cnbef.text.a imports cnbef.package.b" in str(exc)
    else:
        raise AssertionError("an upward import passed")
    try:
        test_no_import_cycle()
    except AssertionError as exc:
        assert "cnbef.package.b -> cnbef.text.a -> cnbef.package.b" in str(exc) or "cnbef.text.a -> cnbef.package.b" in str(exc)
    else:
        raise AssertionError("a cycle passed")


def test_no_function_is_longer_than_fifty_lines():
    """A function a maintainer can read in one screen (docstring and comments count)."""
    long = [f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lines)"
            for path in PACKAGE.rglob("*.py")
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno - node.lineno + 1 > 50]
    assert not long, long
