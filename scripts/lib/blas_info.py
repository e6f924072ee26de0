"""Prints, in one line, which BLAS numpy runs here and which kernel (OpenBLAS core type) it picked.

The benchmarks run numpy as a baseline with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (some machines force
OpenBLAS's AVX2 kernel with them, which halves numpy's speed on an AVX-512 processor); this line shows what ran.
threadpoolctl answers when it is installed; otherwise OpenBLAS itself, through its get_corename/get_config functions
in the library numpy loaded (their names carry the scipy_ prefix and 64_ suffix in numpy's own wheels).
"""

import ctypes
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import numpy as np  # noqa: E402

parts = ["numpy %s" % np.__version__]
env = ", ".join("%s=%s" % (k, os.environ.get(k, "unset")) for k in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"))
try:
    from threadpoolctl import threadpool_info

    for info in threadpool_info():
        if info.get("user_api") == "blas":
            parts.append("%s %s, kernel %s" % (info.get("internal_api"), info.get("version"), info.get("architecture")))
except ImportError:
    path = next((line.split()[-1] for line in open("/proc/self/maps") if "openblas" in line.lower()), None)
    if path is None:
        parts.append("no OpenBLAS loaded (another BLAS: see numpy.show_config())")
    else:
        lib = ctypes.CDLL(path)
        for kind in ("corename", "config"):
            for name in ("scipy_openblas_get_%s64_", "openblas_get_%s64_", "openblas_get_%s"):
                f = getattr(lib, name % kind, None)
                if f is not None:
                    f.restype = ctypes.c_char_p
                    parts.append(("kernel %s" if kind == "corename" else "%s") % f().decode().strip())
                    break
print("numpy's BLAS: %s (%s)" % ("; ".join(parts), env))
