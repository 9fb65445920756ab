// Umbrella header for the GDAL C API used by sinkmap.
// Only the public C headers are included. This is where static inline wrappers of
// GDAL's variadic functions would go (Swift cannot call those); sinkmap needs none yet.
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

#endif
