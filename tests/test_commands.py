"""Every command behaves like a command: --help prints usage and writes nothing, a wrong option exits 2."""
import contextlib
import hashlib
import io
import runpy
import subprocess
import sys

import pytest

from conftest import ROOT

SCRIPTS = sorted(p.name for p in (ROOT / "scripts").glob("*.py"))
WATCHED = ["datapackage.json", "README.md", "CHANGELOG.md", "CITATION.cff", "data", "schemas", "docs"]


def _snapshot():
    files = [p for w in WATCHED for p in ([ROOT / w] if (ROOT / w).is_file() else sorted((ROOT / w).rglob("*")))]
    return {p: hashlib.sha256(p.read_bytes()).hexdigest() for p in files if p.is_file()}


def _run(script, *args):
    """The script as its user runs it: the shell hook in a process of its own, a Python script in this one
    (run as __main__, its output and exit code caught), which spares an interpreter start per call."""
    if not script.endswith(".py"):
        return subprocess.run(["bash", str(ROOT / "scripts" / script), *args], capture_output=True, text=True, cwd=ROOT, timeout=120)
    out, err, code = io.StringIO(), io.StringIO(), 0
    argv = sys.argv
    sys.argv = [str(ROOT / "scripts" / script), *args]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            runpy.run_path(sys.argv[0], run_name="__main__")
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
    finally:
        sys.argv = argv
    return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())


@pytest.mark.parametrize("script", [*SCRIPTS, "pre-commit"])
def test_help_prints_usage_exits_0_and_writes_nothing(script):
    before = _snapshot()
    done = _run(script, "--help")
    assert done.returncode == 0, done.stderr
    assert "usage" in done.stdout.lower() or "pre-commit" in done.stdout
    assert _snapshot() == before


@pytest.mark.parametrize("script", [*SCRIPTS, "pre-commit"])
def test_an_unknown_option_exits_2_and_writes_nothing(script):
    before = _snapshot()
    done = _run(script, "--bogus")
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr
    assert _snapshot() == before


@pytest.mark.parametrize("script, args", [
    ("release.py", ["foo"]), ("release.py", ["1.2"]), ("release.py", ["9.9.9", "--date", "yesterday"]),
    ("synth.py", ["many"]), ("bench.py", ["--sizes", "x"]), ("locate.py", ["/no/such/file.txt", "quote"]),
    ("refresh_metadata.py", ["/no/such/folder"]), ("diff.py", ["only-one"]), ("validate.py", ["--format", "xml"]),
])
def test_malformed_arguments_exit_2(script, args):
    done = _run(script, *args)
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stdout + done.stderr


def test_diff_exit_code_tells_ci_whether_the_versions_differ(pkg):
    same = _run("diff.py", str(ROOT), str(ROOT), "--exit-code")
    assert same.returncode == 0 and "no differences" in same.stdout
    pkg.set("measures", "gdp_999", "description", "changed")
    differs = _run("diff.py", str(ROOT), str(pkg.root), "--exit-code")
    assert differs.returncode == 1 and "required bump" in differs.stdout
    assert _run("diff.py", str(ROOT), str(pkg.root)).returncode == 0  # without --exit-code, a difference is no failure
    assert "--exit-code" in _run("diff.py", "--help").stdout and "Exit codes" in _run("diff.py", "--help").stdout
