/*
 * Loads a DLL the way a runtime does (LoadLibrary with a full path, then GetProcAddress) and checks that every
 * named function is there: for the runtimes' Windows libraries that cannot be run in their runtime under Wine here
 * (the JNI library: no Windows JDK), this at least proves the DLL and all it imports load on Windows x64.
 *
 * usage: load_check DLL FUNCTION...      (prints "load_check: N passed, M failed")
 */
#include <stdio.h>
#include <windows.h>

int main(int argc, char **argv) {
    HMODULE module;
    int i, passed = 0, failed = 0;
    if (argc < 3) {
        fprintf(stderr, "usage: %s DLL FUNCTION...\n", argv[0]);
        return 2;
    }
    module = LoadLibraryA(argv[1]);
    if (!module) {
        fprintf(stderr, "LoadLibrary(%s) failed: error %lu\n", argv[1], (unsigned long)GetLastError());
        return 1;
    }
    for (i = 2; i < argc; i++) {
        if (GetProcAddress(module, argv[i])) {
            passed++;
        } else {
            failed++;
            fprintf(stderr, "%s has no %s\n", argv[1], argv[i]);
        }
    }
    printf("load_check: %d passed, %d failed\n", passed, failed);
    return failed == 0 ? 0 : 1;
}
