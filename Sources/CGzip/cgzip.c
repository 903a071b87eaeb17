#include "cgzip.h"
#include <stdlib.h>
#include <zlib.h>

struct cgzip_stream {
    z_stream z;
    int deflating;
};

cgzip_stream *cgzip_open(int deflating, int level) {
    cgzip_stream *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->deflating = deflating;
    int rc = deflating ? deflateInit2(&s->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY)
                       : inflateInit2(&s->z, 15 + 16);
    if (rc != Z_OK) { free(s); return NULL; }
    return s;
}

void cgzip_close(cgzip_stream *s) {
    if (!s) return;
    if (s->deflating) deflateEnd(&s->z); else inflateEnd(&s->z);
    free(s);
}

int cgzip_step(cgzip_stream *s, const unsigned char *in, size_t in_len, int finish, unsigned char *out,
               size_t out_cap, size_t *consumed, size_t *produced) {
    s->z.next_in = (unsigned char *)in;
    s->z.avail_in = (uInt)in_len;
    s->z.next_out = out;
    s->z.avail_out = (uInt)out_cap;
    int rc = s->deflating ? deflate(&s->z, finish ? Z_FINISH : Z_NO_FLUSH) : inflate(&s->z, Z_NO_FLUSH);
    *consumed = in_len - s->z.avail_in;
    *produced = out_cap - s->z.avail_out;
    if (rc == Z_STREAM_END) return 1;
    if (rc == Z_BUF_ERROR) return s->z.avail_out == 0 ? 2 : 0;   /* no progress possible: wants input or room */
    if (rc != Z_OK) return rc < 0 ? rc : -1;
    return s->z.avail_out == 0 ? 2 : 0;
}

const char *cgzip_message(cgzip_stream *s) { return s && s->z.msg ? s->z.msg : "corrupt gzip stream"; }
