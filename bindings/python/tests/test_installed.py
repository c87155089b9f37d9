"""The package under test is the installed wheel, complete, and uses the library bundled in it."""

import importlib.metadata
import os
import pathlib
import re

import unleashed_signer
from support import REPO
from unleashed_signer import _native

PACKAGE = pathlib.Path(unleashed_signer.__file__).resolve().parent


def test_the_package_is_the_installed_wheel_not_the_source_tree():
    assert REPO not in PACKAGE.parents, "run the tests against the installed wheel, from outside the repository"
    assert "UNLEASHED_SIGNER_LIB" not in os.environ
    assert pathlib.Path(_native.path).resolve().parent == PACKAGE


def test_the_wheel_holds_the_library_the_licences_and_py_typed():
    files = {str(file) for file in importlib.metadata.files("unleashed-signer")}
    assert "unleashed_signer/py.typed" in files
    assert "unleashed_signer/" + pathlib.Path(_native.path).name in files
    assert pathlib.Path(_native.path).name.startswith("_ffi.")
    assert {name for name in files if re.search(r"LICENSE-(MIT|APACHE)$", name)} == {
        "unleashed_signer-%s.dist-info/licenses/LICENSE-MIT" % unleashed_signer.__version__,
        "unleashed_signer-%s.dist-info/licenses/LICENSE-APACHE" % unleashed_signer.__version__,
    }


def test_the_distribution_version_is_the_workspace_version():
    cargo = (REPO / "Cargo.toml").read_text()
    workspace = re.search(r'\[workspace\.package\]\nversion = "([^"]+)"', cargo).group(1)
    assert importlib.metadata.version("unleashed-signer") == workspace == unleashed_signer.library_version()
