#include "cgzip.h"
#include <bzlib.h>
#include <lzma.h>
#include <stdlib.h>
#include <zlib.h>

struct cgzip_stream {
    int kind;
    union {
        z_stream z;
        bz_stream bz;
        lzma_stream xz;
    } u;
    const char *message;
};

cgzip_stream *cgzip_open_kind(int kind, int level) {
    cgzip_stream *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->kind = kind;
    int ok;
    switch (kind) {
    case CGZIP_INFLATE: ok = inflateInit2(&s->u.z, 15 + 16) == Z_OK; break;
    case CGZIP_DEFLATE: ok = deflateInit2(&s->u.z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK; break;
    case CGZIP_BUNZIP2: ok = BZ2_bzDecompressInit(&s->u.bz, 0, 0) == BZ_OK; break;
    case CGZIP_UNXZ: {
        lzma_stream init = LZMA_STREAM_INIT;
        s->u.xz = init;
        ok = lzma_stream_decoder(&s->u.xz, UINT64_MAX, LZMA_CONCATENATED) == LZMA_OK;
        break;
    }
    default: ok = 0;
    }
    if (!ok) { free(s); return NULL; }
    return s;
}

cgzip_stream *cgzip_open(int deflating, int level) {
    return cgzip_open_kind(deflating ? CGZIP_DEFLATE : CGZIP_INFLATE, level);
}

void cgzip_close(cgzip_stream *s) {
    if (!s) return;
    switch (s->kind) {
    case CGZIP_INFLATE: inflateEnd(&s->u.z); break;
    case CGZIP_DEFLATE: deflateEnd(&s->u.z); break;
    case CGZIP_BUNZIP2: BZ2_bzDecompressEnd(&s->u.bz); break;
    case CGZIP_UNXZ: lzma_end(&s->u.xz); break;
    }
    free(s);
}

static int zlib_step(cgzip_stream *s, const unsigned char *in, size_t in_len, int finish, unsigned char *out,
                     size_t out_cap, size_t *consumed, size_t *produced) {
    s->u.z.next_in = (unsigned char *)in;
    s->u.z.avail_in = (uInt)in_len;
    s->u.z.next_out = out;
    s->u.z.avail_out = (uInt)out_cap;
    int rc = s->kind == CGZIP_DEFLATE ? deflate(&s->u.z, finish ? Z_FINISH : Z_NO_FLUSH) : inflate(&s->u.z, Z_NO_FLUSH);
    *consumed = in_len - s->u.z.avail_in;
    *produced = out_cap - s->u.z.avail_out;
    if (rc == Z_STREAM_END) return 1;
    if (rc == Z_BUF_ERROR) return s->u.z.avail_out == 0 ? 2 : 0;   /* no progress possible: wants input or room */
    if (rc != Z_OK) { s->message = s->u.z.msg ? s->u.z.msg : "corrupt gzip stream"; return rc < 0 ? rc : -1; }
    return s->u.z.avail_out == 0 ? 2 : 0;
}

static int bz_step(cgzip_stream *s, const unsigned char *in, size_t in_len, unsigned char *out, size_t out_cap,
                   size_t *consumed, size_t *produced) {
    s->u.bz.next_in = (char *)in;
    s->u.bz.avail_in = (unsigned)in_len;
    s->u.bz.next_out = (char *)out;
    s->u.bz.avail_out = (unsigned)out_cap;
    int rc = BZ2_bzDecompress(&s->u.bz);
    *consumed = in_len - s->u.bz.avail_in;
    *produced = out_cap - s->u.bz.avail_out;
    if (rc == BZ_STREAM_END) return 1;
    if (rc != BZ_OK) { s->message = "corrupt bzip2 stream"; return -1; }
    return s->u.bz.avail_out == 0 ? 2 : 0;
}

static int xz_step(cgzip_stream *s, const unsigned char *in, size_t in_len, int finish, unsigned char *out,
                   size_t out_cap, size_t *consumed, size_t *produced) {
    s->u.xz.next_in = in;
    s->u.xz.avail_in = in_len;
    s->u.xz.next_out = out;
    s->u.xz.avail_out = out_cap;
    lzma_ret rc = lzma_code(&s->u.xz, finish ? LZMA_FINISH : LZMA_RUN);
    *consumed = in_len - s->u.xz.avail_in;
    *produced = out_cap - s->u.xz.avail_out;
    if (rc == LZMA_STREAM_END) return 1;
    if (rc == LZMA_BUF_ERROR) return s->u.xz.avail_out == 0 ? 2 : 0;
    if (rc != LZMA_OK) { s->message = rc == LZMA_MEM_ERROR ? "out of memory" : "corrupt xz stream"; return -1; }
    return s->u.xz.avail_out == 0 ? 2 : 0;
}

int cgzip_step(cgzip_stream *s, const unsigned char *in, size_t in_len, int finish, unsigned char *out,
               size_t out_cap, size_t *consumed, size_t *produced) {
    switch (s->kind) {
    case CGZIP_BUNZIP2: return bz_step(s, in, in_len, out, out_cap, consumed, produced);
    case CGZIP_UNXZ: return xz_step(s, in, in_len, finish, out, out_cap, consumed, produced);
    default: return zlib_step(s, in, in_len, finish, out, out_cap, consumed, produced);
    }
}

const char *cgzip_message(cgzip_stream *s) { return s && s->message ? s->message : "corrupt stream"; }
