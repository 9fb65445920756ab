#define _GNU_SOURCE
#include "csinkmap_system.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif

static int rename2(const char *a, const char *b, unsigned int flags) {
#ifdef SYS_renameat2
    return (int)syscall(SYS_renameat2, AT_FDCWD, a, AT_FDCWD, b, flags);
#else
    (void)a; (void)b; (void)flags;
    errno = ENOSYS;
    return -1;
#endif
}

int csinkmap_rename_exchange(const char *a, const char *b) { return rename2(a, b, RENAME_EXCHANGE); }

int csinkmap_rename_noreplace(const char *from, const char *to) { return rename2(from, to, RENAME_NOREPLACE); }

int csinkmap_cpu_has_avx2_fma(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
    return 1;
#endif
}

int csinkmap_cpu_has_avx512(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    /* libgcc reports the AVX-512 features only when XCR0 shows the OS saves the 512-bit state. */
    return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512cd")
        && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq")
        && __builtin_cpu_supports("avx512vl") && __builtin_cpu_supports("avx2")
        && __builtin_cpu_supports("fma") && __builtin_cpu_supports("bmi")
        && __builtin_cpu_supports("bmi2") && __builtin_cpu_supports("lzcnt")
        && __builtin_cpu_supports("popcnt") && __builtin_cpu_supports("movbe")
        && __builtin_cpu_supports("f16c");
#else
    return 0;
#endif
}
