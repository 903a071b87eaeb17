#ifndef CCURL_H
#define CCURL_H
#include <curl/curl.h>

/* Typed wrappers around libcurl's variadic calls, which Swift cannot call directly. */

/** The body/header callback shape: (data, size, count, userdata) -> bytes taken. */
typedef size_t (*ccurl_data_fn)(char *data, size_t size, size_t count, void *userdata);

/** curl_global_init(CURL_GLOBAL_ALL) exactly once per process, from any thread. Returns its result. */
CURLcode ccurl_global_init_once(void);

CURLcode ccurl_setopt_long(CURL *handle, CURLoption option, long value);
/** A string option; NULL resets it (for example CURLOPT_CAPATH). libcurl copies the string. */
CURLcode ccurl_setopt_str(CURL *handle, CURLoption option, const char *value);
CURLcode ccurl_setopt_ptr(CURL *handle, CURLoption option, void *value);
CURLcode ccurl_setopt_off(CURL *handle, CURLoption option, curl_off_t value);
CURLcode ccurl_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *list);
/** CURLOPT_WRITEFUNCTION with CURLOPT_WRITEDATA. */
CURLcode ccurl_setopt_writefn(CURL *handle, ccurl_data_fn fn, void *userdata);
/** CURLOPT_HEADERFUNCTION with CURLOPT_HEADERDATA. */
CURLcode ccurl_setopt_headerfn(CURL *handle, ccurl_data_fn fn, void *userdata);

CURLcode ccurl_getinfo_long(CURL *handle, CURLINFO info, long *value);

/** The size libcurl needs for CURLOPT_ERRORBUFFER. */
static const int ccurl_error_size = CURL_ERROR_SIZE;

#endif
