"""Tests of glibc_floor.py: the parsing of `objdump -T` output, and the verdict against --max on a real library."""

import contextlib
import io
import pathlib
import shutil
import subprocess
import tempfile
import unittest

import glibc_floor

# Lines as objdump 2.40 prints them for the x86_64 C library (trimmed), with a defined versioned symbol and an
# unversioned one that must not count.
OBJDUMP = """
libunleashed_signer_ffi.so:     file format elf64-x86-64

DYNAMIC SYMBOL TABLE:
0000000000000000  w   DF *UND*\t0000000000000000 (GLIBC_2.30) gettid
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.33) fstat64
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.34) pthread_key_delete
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.2.5) memcpy
0000000000000000      DF *UND*\t0000000000000000 (GLIBC_2.34) pthread_key_create
0000000000000000  w   D  *UND*\t0000000000000000  Base        __gmon_start__
0000000000012340 g    DF .text\t0000000000000042 (GLIBC_2.99) a_defined_symbol
"""


class Floor(unittest.TestCase):
    def test_the_newest_undefined_version_and_its_symbols(self):
        self.assertEqual(glibc_floor.floor(OBJDUMP), ((2, 34), ["pthread_key_create", "pthread_key_delete"]))

    def test_versions_compare_as_numbers_not_text(self):
        lines = "x DF *UND* 0 (GLIBC_2.9) old\nx DF *UND* 0 (GLIBC_2.17) newer\nx DF *UND* 0 (GLIBC_2.2.5) oldest\n"
        self.assertEqual(glibc_floor.floor(lines), ((2, 17), ["newer"]))

    def test_no_versioned_symbol_needs_nothing(self):
        self.assertEqual(glibc_floor.floor("DYNAMIC SYMBOL TABLE:\n"), ((0,), []))

    def test_parse_version(self):
        self.assertEqual(glibc_floor.parse_version("GLIBC_2.2.5"), (2, 2, 5))
        self.assertEqual(glibc_floor.parse_version("2.34"), (2, 34))
        with self.assertRaises(ValueError):
            glibc_floor.parse_version("2.x")


@unittest.skipUnless(shutil.which("cc") and shutil.which("objdump"), "needs cc and objdump")
class Verdict(unittest.TestCase):
    """main() on a library built here: it needs whatever this machine's glibc gives pthread_key_create."""

    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        source = pathlib.Path(cls.dir.name, "lib.c")
        source.write_text("#include <pthread.h>\nint make(pthread_key_t *k) { return pthread_key_create(k, 0); }\n")
        cls.library = str(pathlib.Path(cls.dir.name, "lib.so"))
        subprocess.run(["cc", "-shared", "-fPIC", "-o", cls.library, str(source), "-lpthread"], check=True)
        output = subprocess.run(["objdump", "-T", cls.library], capture_output=True, text=True, check=True).stdout
        cls.version, _ = glibc_floor.floor(output)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def run_main(self, *argv):
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = glibc_floor.main(list(argv))
        return status, out.getvalue(), err.getvalue()

    def test_passes_at_its_own_floor(self):
        status, out, _ = self.run_main("--max", glibc_floor.show(self.version), self.library)
        self.assertEqual(status, 0)
        self.assertIn(f"needs glibc {glibc_floor.show(self.version)} or later (pthread_key_create)", out)

    def test_fails_below_its_floor_and_says_what_to_do(self):
        below = glibc_floor.show(self.version[:-1] + (self.version[-1] - 1,))
        status, _, err = self.run_main("--max", below, self.library)
        self.assertEqual(status, 1)
        self.assertIn(f"newer than the {below} the README promises", err)

    def test_fails_on_a_file_objdump_cannot_read(self):
        status, _, err = self.run_main(__file__)
        self.assertEqual(status, 1)
        self.assertIn("objdump cannot read it", err)


if __name__ == "__main__":
    unittest.main()
