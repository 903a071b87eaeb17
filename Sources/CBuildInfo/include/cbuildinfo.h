#ifndef CBUILDINFO_H
#define CBUILDINFO_H
/// The build's version string, injected by Package.swift from BERTH_VERSION or git.
const char *berth_build_version(void);
#endif
