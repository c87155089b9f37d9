"""The package under test is the installed wheel, complete, and uses the library bundled in it, which is for this
machine; one for another machine fails to import with an error that says so."""

import importlib
import importlib.metadata
import os
import pathlib
import re
import shutil
import sys

import pytest

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


def test_the_compiled_part_is_this_machines_and_a_platform_with_a_wheel():
    # x86_64 here; aarch64 under qemu (arm64-test.sh), from the other wheel of the same release.
    machine = _native._elf_machine(pathlib.Path(_native.path))
    assert "%s-%s" % (sys.platform, machine) == _native.this_platform()
    assert _native.WHEEL_PLATFORMS == ("linux-x86_64", "linux-aarch64")
    assert _native.this_platform() in _native.WHEEL_PLATFORMS


def _import_a_copy(tmp_path, change_extension):
    """Imports a copy of the installed package (under another name) whose extension `change_extension(bytearray)`
    has changed; returns the ImportError it raises, and the copied extension's path."""
    copy = tmp_path / "unleashed_signer_elsewhere"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    extension = copy / pathlib.Path(_native.path).name
    data = bytearray(extension.read_bytes())
    extension.write_bytes(bytes(change_extension(data)))
    sys.path.insert(0, str(tmp_path))
    try:
        with pytest.raises(ImportError) as raised:
            importlib.import_module(copy.name)
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.startswith(copy.name)]:
            del sys.modules[name]
    return raised.value, extension


def test_a_compiled_part_for_another_machine_fails_to_import_with_an_error_naming_both(tmp_path):
    # The extension's ELF machine made the other architecture's: the loader refuses it, and the package must say
    # which machine it is for and which this is.
    here = _native.this_platform()
    machine, other = {"linux-x86_64": (183, "linux-aarch64"), "linux-aarch64": (62, "linux-x86_64")}[here]

    def other_machine(data):
        data[18:20] = machine.to_bytes(2, "little")
        return data

    error, extension = _import_a_copy(tmp_path, other_machine)
    assert str(error).startswith(
        "unleashed_signer was installed for %s (%s), but this Python runs on %s. " % (other, extension, here)
        + "There are wheels for linux-x86_64, linux-aarch64; on this machine, reinstall it with its own pip "
        + "(`pip install --force-reinstall unleashed-signer`), which picks the wheel for %s" % here
    )


def test_a_compiled_part_for_this_machine_that_fails_to_load_is_not_called_another_machines(tmp_path):
    # Cut after its ELF header, the extension is this machine's still: the error is the loader's, not a wrong machine.
    error, _ = _import_a_copy(tmp_path, lambda data: data[:64])
    assert str(error).startswith("unleashed_signer cannot load its compiled part (")
    assert "installed for" not in str(error)
