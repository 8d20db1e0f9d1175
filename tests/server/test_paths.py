"""Path and name checks, on real folders and symlinks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from jupyter_mlversion.core.errors import InvalidNameError, PathOutsideProjectError
from jupyter_mlversion.server.paths import check_name, check_ref, clean_relative, resolve_inside


@pytest.fixture
def root(tmp_path: Path) -> Path:
    (tmp_path / "served" / "nb").mkdir(parents=True)
    (tmp_path / "served" / "nb" / "a.ipynb").write_text("{}")
    (tmp_path / "secret.txt").write_text("no")
    return tmp_path / "served"


@pytest.mark.parametrize(
    "value",
    [
        "../secret.txt",
        "nb/../../secret.txt",
        "/etc/passwd",
        "C:/Windows",
        "nb\\..\\..\\secret.txt",
        "%2e%2e/secret.txt",
        "nb/%2E%2E/%2e%2e/secret.txt",
        "..%2fsecret.txt",
        "nb/a.ipynb\x00.txt",
        "%00",
        "",
        ".mlversion/objects",
        "nb/.mlversion/config.toml",
    ],
)
def test_escaping_paths_are_refused(root: Path, value: str) -> None:
    with pytest.raises(PathOutsideProjectError):
        resolve_inside(root, value)


def test_inside_paths_resolve(root: Path) -> None:
    assert resolve_inside(root, "nb/a.ipynb") == (root / "nb" / "a.ipynb").resolve()
    assert resolve_inside(root, "./nb//a.ipynb") == (root / "nb" / "a.ipynb").resolve()
    assert resolve_inside(root, ".") == root.resolve()
    # Missing files are fine (a removed file can still be restored); only escapes are refused.
    assert resolve_inside(root, "nb/gone.csv").name == "gone.csv"
    assert clean_relative("nb/a b%20c.csv").as_posix() == "nb/a b%20c.csv"


def test_symlink_escaping_the_root_is_refused(root: Path) -> None:
    os.symlink(root.parent / "secret.txt", root / "link.txt")
    os.symlink(root.parent, root / "up")
    with pytest.raises(PathOutsideProjectError, match="outside"):
        resolve_inside(root, "link.txt")
    with pytest.raises(PathOutsideProjectError):
        resolve_inside(root, "up/secret.txt")


def test_symlink_staying_inside_is_followed(root: Path) -> None:
    os.symlink(root / "nb", root / "alias")
    assert resolve_inside(root, "alias/a.ipynb") == (root / "nb" / "a.ipynb").resolve()


@pytest.mark.parametrize("name", ["release-1.0", "best", "v2_final", "A"])
def test_good_names(name: str) -> None:
    assert check_name(name) == name


@pytest.mark.parametrize(
    "name", ["", "-rf", ".hidden", "a..b", "x.lock", "a/b", "a b", "é", "a" * 101, "a\x00", "end."]
)
def test_bad_names(name: str) -> None:
    with pytest.raises(InvalidNameError):
        check_name(name)


@pytest.mark.parametrize(
    "ref", ["HEAD", "HEAD~2", "HEAD^", "abc123", "release-1.0", "data/train.csv@v3", "m.pt@best"]
)
def test_good_refs(ref: str) -> None:
    assert check_ref(ref) == ref


@pytest.mark.parametrize(
    "ref",
    ["--upload-pack=x", "HEAD..main", "main@{1}", "../x@v1", "/etc/passwd@v1", "a\nb", "", " x"],
)
def test_bad_refs(ref: str) -> None:
    with pytest.raises((InvalidNameError, PathOutsideProjectError)):
        check_ref(ref)


def test_names_longer_than_the_file_system_allows_are_refused(root: Path) -> None:
    with pytest.raises(PathOutsideProjectError, match="too long"):
        resolve_inside(root, "0" * 5000)
    with pytest.raises(PathOutsideProjectError, match="too long"):
        resolve_inside(root, "nb/" + "x" * 300)
