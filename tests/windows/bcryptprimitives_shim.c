/* Wine-only stand-in for bcryptprimitives.dll, which Wine 8.0 does not ship.
 * Rust's standard library (1.78+) imports ProcessPrng from bcryptprimitives.dll on Windows; without this DLL
 * beside the test exe, loading asegpu.dll under Wine 8 fails with STATUS_DLL_NOT_FOUND (c0000135).
 * Real Windows (10+) always has bcryptprimitives.dll, so this file is never shipped.
 * Build: x86_64-w64-mingw32-gcc -shared -o bcryptprimitives.dll bcryptprimitives_shim.c -lbcrypt */
#include <windows.h>
#include <bcrypt.h>

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len) {
    while (len > 0) {
        ULONG chunk = len > 0x40000000u ? 0x40000000u : (ULONG)len;
        if (BCryptGenRandom(NULL, data, chunk, BCRYPT_USE_SYSTEM_PREFERRED_RNG) != 0) return FALSE;
        data += chunk;
        len -= chunk;
    }
    return TRUE;
}
