#ifndef CIMAGESHIM_H
#define CIMAGESHIM_H
/* Extended attributes (overlayfs whiteouts, tar xattrs) for the image layers: Swift's Glibc module lacks them. */
#include <sys/types.h>
#include <sys/xattr.h>
#endif
