#ifndef CSINKMAP_SYSTEM_H
#define CSINKMAP_SYSTEM_H

/// Atomically exchanges two paths (Linux renameat2 with RENAME_EXCHANGE): both must exist.
/// Returns 0, or -1 with errno set (EINVAL or ENOSYS where the file system or kernel lacks it).
int csinkmap_rename_exchange(const char *a, const char *b);

/// Renames `from` to `to` only if `to` does not exist (RENAME_NOREPLACE); -1 with errno
/// EEXIST if it does, EINVAL/ENOSYS where unsupported.
int csinkmap_rename_noreplace(const char *from, const char *to);

/// Whether the CPU supports what the kernels were compiled for: on x86-64 AVX2 and FMA
/// (checked with cpuid); 1 elsewhere.
int csinkmap_cpu_has_avx2_fma(void);

/// Whether the CPU and the operating system support what the AVX-512 variant of the kernels
/// was compiled for (`-target-cpu skylake-avx512`): AVX-512 F, CD, BW, DQ and VL with the
/// 512-bit register state enabled by the OS, besides AVX2, FMA, BMI1/2, LZCNT, POPCNT, MOVBE
/// and F16C; 0 elsewhere.
int csinkmap_cpu_has_avx512(void);

#endif
