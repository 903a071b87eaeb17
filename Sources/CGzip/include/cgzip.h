#ifndef CGZIP_H
#define CGZIP_H
/* gzip streams for registry layers (pull inflates, push deflates), over zlib linked statically into the agent;
   bzip2 and xz decompression (libbz2, liblzma, also static) for compressed build contexts.
   zlib's init calls are macros, which Swift cannot call; these wrap them and keep z_stream opaque. */
#include <stddef.h>

typedef struct cgzip_stream cgzip_stream;

/* The kinds of stream: gzip both ways, and the decompressors of bzip2 and xz (build contexts, as dockerd takes). */
enum { CGZIP_INFLATE = 0, CGZIP_DEFLATE = 1, CGZIP_BUNZIP2 = 2, CGZIP_UNXZ = 3 };

/* A stream of `kind` (`level` for CGZIP_DEFLATE only). NULL when out of memory. */
cgzip_stream *cgzip_open_kind(int kind, int level);

/* A stream that inflates gzip (deflate = 0) or deflates into gzip at `level` (deflate = 1). NULL when out of memory. */
cgzip_stream *cgzip_open(int deflate, int level);
void cgzip_close(cgzip_stream *s);

/* Feeds `in_len` bytes (finish = 1 for the last call, in_len may be 0) and writes up to `out_cap` bytes to `out`.
   Returns 0 when more input is wanted, 1 when the stream ended (inflate: the gzip member's end; deflate: after
   finish), 2 when `out` filled up (call again with in_len = 0 to drain), or a negative zlib error.
   `*consumed` and `*produced` say how much was used and written. */
int cgzip_step(cgzip_stream *s, const unsigned char *in, size_t in_len, int finish, unsigned char *out,
               size_t out_cap, size_t *consumed, size_t *produced);
const char *cgzip_message(cgzip_stream *s);
#endif
