#include "cbuildinfo.h"
#ifndef BERTH_VERSION
#define BERTH_VERSION "0.1.0-dev"
#endif
const char *berth_build_version(void) { return BERTH_VERSION; }
