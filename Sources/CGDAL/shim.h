// Umbrella header for the GDAL C API used by sinkmap.
// Only the public C headers are included; static inline wrappers live here
// for the few variadic functions Swift cannot call directly.
#ifndef SINKMAP_CGDAL_SHIM_H
#define SINKMAP_CGDAL_SHIM_H

#include <gdal.h>
#include <gdal_alg.h>
#include <gdal_utils.h>
#include <gdalwarper.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <cpl_vsi.h>

/// CPLError is variadic; this is the one form sinkmap needs.
static inline void sinkmap_cpl_error(CPLErr level, int code, const char *message) {
    CPLError(level, code, "%s", message);
}

#endif
