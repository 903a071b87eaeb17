#define _GNU_SOURCE
#include "cssh2.h"

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* ------------------------------------------------------------------ session */

LIBSSH2_SESSION *cssh2_session_init(void) {
    return libssh2_session_init_ex(NULL, NULL, NULL, NULL);
}

int cssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description) {
    return libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, description, "");
}

char *cssh2_supported_hostkey_algorithms(LIBSSH2_SESSION *session) {
    const char **algs = NULL;
    int n = libssh2_session_supported_algs(session, LIBSSH2_METHOD_HOSTKEY, &algs);
    if (n <= 0 || algs == NULL) return NULL;
    size_t total = 1;
    for (int i = 0; i < n; i++) total += strlen(algs[i]) + 1;
    char *out = malloc(total);
    if (out != NULL) {
        out[0] = '\0';
        for (int i = 0; i < n; i++) {
            if (i > 0) strcat(out, ",");
            strcat(out, algs[i]);
        }
    }
    libssh2_free(session, (void *)algs);
    return out;
}

/* ------------------------------------------------------------------ authentication */

int cssh2_userauth_publickey_fromfile(LIBSSH2_SESSION *session, const char *user,
                                      const char *publickey, const char *privatekey) {
    return libssh2_userauth_publickey_fromfile_ex(session, user, (unsigned int)strlen(user),
                                                  publickey, privatekey, "");
}

/* ------------------------------------------------------------------ channels */

LIBSSH2_CHANNEL *cssh2_channel_open_session(LIBSSH2_SESSION *session) {
    return libssh2_channel_open_ex(session, "session", sizeof("session") - 1,
                                   LIBSSH2_CHANNEL_WINDOW_DEFAULT, LIBSSH2_CHANNEL_PACKET_DEFAULT, NULL, 0);
}

int cssh2_channel_exec(LIBSSH2_CHANNEL *channel, const char *command) {
    return libssh2_channel_process_startup(channel, "exec", sizeof("exec") - 1,
                                           command, (unsigned int)strlen(command));
}

int cssh2_channel_shell(LIBSSH2_CHANNEL *channel) {
    return libssh2_channel_process_startup(channel, "shell", sizeof("shell") - 1, NULL, 0);
}

int cssh2_channel_subsystem(LIBSSH2_CHANNEL *channel, const char *subsystem) {
    return libssh2_channel_process_startup(channel, "subsystem", sizeof("subsystem") - 1,
                                           subsystem, (unsigned int)strlen(subsystem));
}

int cssh2_channel_request_pty(LIBSSH2_CHANNEL *channel, const char *term, int width, int height) {
    return libssh2_channel_request_pty_ex(channel, term, (unsigned int)strlen(term), NULL, 0,
                                          width, height, 0, 0);
}

int cssh2_channel_request_pty_size(LIBSSH2_CHANNEL *channel, int width, int height) {
    return libssh2_channel_request_pty_size_ex(channel, width, height, 0, 0);
}

int cssh2_channel_exit_signal(LIBSSH2_SESSION *session, LIBSSH2_CHANNEL *channel, char *buf, size_t buflen) {
    char *signal_name = NULL;
    size_t signal_len = 0;
    if (buflen > 0) buf[0] = '\0';
    if (libssh2_channel_get_exit_signal(channel, &signal_name, &signal_len, NULL, NULL, NULL, NULL) != 0)
        return 0;
    if (signal_name == NULL) return 0;
    if (buflen > 0) {
        size_t n = signal_len < buflen - 1 ? signal_len : buflen - 1;
        memcpy(buf, signal_name, n);
        buf[n] = '\0';
    }
    libssh2_free(session, signal_name);
    return 1;
}

/* ------------------------------------------------------------------ sftp */

LIBSSH2_SFTP_HANDLE *cssh2_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned long flags, long mode) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), flags, mode, LIBSSH2_SFTP_OPENFILE);
}

LIBSSH2_SFTP_HANDLE *cssh2_sftp_opendir(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_open_ex(sftp, path, (unsigned int)strlen(path), 0, 0, LIBSSH2_SFTP_OPENDIR);
}

int cssh2_sftp_stat(LIBSSH2_SFTP *sftp, const char *path, int stat_type, LIBSSH2_SFTP_ATTRIBUTES *attrs) {
    return libssh2_sftp_stat_ex(sftp, path, (unsigned int)strlen(path), stat_type, attrs);
}

int cssh2_sftp_fstat(LIBSSH2_SFTP_HANDLE *handle, LIBSSH2_SFTP_ATTRIBUTES *attrs, int setstat) {
    return libssh2_sftp_fstat_ex(handle, attrs, setstat);
}

int cssh2_sftp_unlink(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_unlink_ex(sftp, path, (unsigned int)strlen(path));
}

int cssh2_sftp_rename(LIBSSH2_SFTP *sftp, const char *from, const char *to) {
    return libssh2_sftp_rename_ex(sftp, from, (unsigned int)strlen(from), to, (unsigned int)strlen(to),
                                  LIBSSH2_SFTP_RENAME_OVERWRITE | LIBSSH2_SFTP_RENAME_ATOMIC |
                                  LIBSSH2_SFTP_RENAME_NATIVE);
}

int cssh2_sftp_mkdir(LIBSSH2_SFTP *sftp, const char *path, long mode) {
    return libssh2_sftp_mkdir_ex(sftp, path, (unsigned int)strlen(path), mode);
}

int cssh2_sftp_rmdir(LIBSSH2_SFTP *sftp, const char *path) {
    return libssh2_sftp_rmdir_ex(sftp, path, (unsigned int)strlen(path));
}

int cssh2_sftp_readlink(LIBSSH2_SFTP *sftp, const char *path, char *buf, unsigned int buflen, int realpath) {
    return libssh2_sftp_symlink_ex(sftp, path, (unsigned int)strlen(path), buf, buflen,
                                   realpath ? LIBSSH2_SFTP_REALPATH : LIBSSH2_SFTP_READLINK);
}

/* ------------------------------------------------------------------ terminal */

int cssh2_get_winsize(int fd, int *cols, int *rows, int *xpixel, int *ypixel) {
    struct winsize ws;
    memset(&ws, 0, sizeof ws);
    if (ioctl(fd, TIOCGWINSZ, &ws) != 0) return -1;
    *cols = ws.ws_col;
    *rows = ws.ws_row;
    *xpixel = ws.ws_xpixel;
    *ypixel = ws.ws_ypixel;
    return 0;
}

static int winch_pipe[2] = {-1, -1};
static struct sigaction winch_previous;
static int winch_installed = 0;

static void winch_handler(int signo) {
    (void)signo;
    int saved = errno;
    if (winch_pipe[1] >= 0) {
        char c = 1;
        ssize_t ignored = write(winch_pipe[1], &c, 1);
        (void)ignored;
    }
    errno = saved;
}

int cssh2_winch_install(void) {
    if (winch_installed) return winch_pipe[0];
    if (pipe2(winch_pipe, O_NONBLOCK | O_CLOEXEC) != 0) return -1;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = winch_handler;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_RESTART;
    if (sigaction(SIGWINCH, &sa, &winch_previous) != 0) {
        int saved = errno;
        close(winch_pipe[0]);
        close(winch_pipe[1]);
        winch_pipe[0] = winch_pipe[1] = -1;
        errno = saved;
        return -1;
    }
    winch_installed = 1;
    return winch_pipe[0];
}

void cssh2_winch_uninstall(void) {
    if (!winch_installed) return;
    sigaction(SIGWINCH, &winch_previous, NULL);
    close(winch_pipe[0]);
    close(winch_pipe[1]);
    winch_pipe[0] = winch_pipe[1] = -1;
    winch_installed = 0;
}

int cssh2_winch_take(void) {
    if (winch_pipe[0] < 0) return 0;
    char buf[64];
    int got = 0;
    while (read(winch_pipe[0], buf, sizeof buf) > 0) got = 1;
    return got;
}

/* ------------------------------------------------------------------ RSA SHA-2 signer */

/* The few libcrypto entry points we need, resolved from the copy libssh2 already loaded. */
static struct {
    int ok;
    void *(*BN_bin2bn)(const unsigned char *, int, void *);
    void (*BN_clear_free)(void *);
    void *(*RSA_new)(void);
    void (*RSA_free)(void *);
    int (*RSA_set0_key)(void *, void *, void *, void *);
    void *(*EVP_PKEY_new)(void);
    void (*EVP_PKEY_free)(void *);
    int (*EVP_PKEY_set1_RSA)(void *, void *);
    void *(*EVP_MD_CTX_new)(void);
    void (*EVP_MD_CTX_free)(void *);
    const void *(*EVP_sha256)(void);
    const void *(*EVP_sha512)(void);
    int (*EVP_DigestSignInit)(void *, void **, const void *, void *, void *);
    int (*EVP_DigestSign)(void *, unsigned char *, size_t *, const unsigned char *, size_t);
    unsigned long (*ERR_get_error)(void);
    void (*ERR_error_string_n)(unsigned long, char *, size_t);
} crypto;

static pthread_once_t crypto_once = PTHREAD_ONCE_INIT;

static void *crypto_symbol(void *handle, const char *name) {
    void *p = handle ? dlsym(handle, name) : NULL;
    return p ? p : dlsym(RTLD_DEFAULT, name);
}

static void crypto_resolve(void) {
    void *h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_NOLOAD);
    if (h == NULL) h = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL);
#define RESOLVE(name) do { *(void **)(&crypto.name) = crypto_symbol(h, #name); if (!crypto.name) return; } while (0)
    RESOLVE(BN_bin2bn);
    RESOLVE(BN_clear_free);
    RESOLVE(RSA_new);
    RESOLVE(RSA_free);
    RESOLVE(RSA_set0_key);
    RESOLVE(EVP_PKEY_new);
    RESOLVE(EVP_PKEY_free);
    RESOLVE(EVP_PKEY_set1_RSA);
    RESOLVE(EVP_MD_CTX_new);
    RESOLVE(EVP_MD_CTX_free);
    RESOLVE(EVP_sha256);
    RESOLVE(EVP_sha512);
    RESOLVE(EVP_DigestSignInit);
    RESOLVE(EVP_DigestSign);
    RESOLVE(ERR_get_error);
    RESOLVE(ERR_error_string_n);
#undef RESOLVE
    crypto.ok = 1;
}

int cssh2_rsa_sha2_available(void) {
    pthread_once(&crypto_once, crypto_resolve);
    return crypto.ok;
}

struct cssh2_signer {
    cssh2_sign_fn fn;    /* generic signer, or NULL for the RSA one */
    void *context;
    void *pkey;          /* EVP_PKEY * for the RSA signer */
    int sha512;
    void *self;          /* what libssh2 hands back to the callback through void **abstract */
};

static void crypto_error(const char *what, char *err, size_t errlen) {
    if (err == NULL || errlen == 0) return;
    unsigned long code = crypto.ERR_get_error ? crypto.ERR_get_error() : 0;
    char detail[200] = "";
    if (code != 0 && crypto.ERR_error_string_n) crypto.ERR_error_string_n(code, detail, sizeof detail);
    snprintf(err, errlen, "%s%s%s", what, detail[0] ? ": " : "", detail);
}

cssh2_signer *cssh2_signer_new(cssh2_sign_fn fn, void *context) {
    cssh2_signer *signer = calloc(1, sizeof *signer);
    if (!signer) return NULL;
    signer->fn = fn;
    signer->context = context;
    signer->self = signer;
    return signer;
}

cssh2_signer *cssh2_rsa_signer_new(const unsigned char *n, size_t nlen,
                                   const unsigned char *e, size_t elen,
                                   const unsigned char *d, size_t dlen,
                                   int sha512, char *err, size_t errlen) {
    if (!cssh2_rsa_sha2_available()) {
        if (err && errlen) snprintf(err, errlen, "libcrypto RSA functions not available");
        return NULL;
    }
    void *bn_n = crypto.BN_bin2bn(n, (int)nlen, NULL);
    void *bn_e = crypto.BN_bin2bn(e, (int)elen, NULL);
    void *bn_d = crypto.BN_bin2bn(d, (int)dlen, NULL);
    void *rsa = crypto.RSA_new();
    void *pkey = NULL;
    if (!bn_n || !bn_e || !bn_d || !rsa) {
        crypto_error("cannot allocate RSA key", err, errlen);
        goto fail;
    }
    if (crypto.RSA_set0_key(rsa, bn_n, bn_e, bn_d) != 1) {
        crypto_error("cannot set RSA key", err, errlen);
        goto fail;
    }
    bn_n = bn_e = bn_d = NULL; /* owned by rsa now */
    pkey = crypto.EVP_PKEY_new();
    if (!pkey || crypto.EVP_PKEY_set1_RSA(pkey, rsa) != 1) {
        crypto_error("cannot wrap RSA key", err, errlen);
        goto fail;
    }
    crypto.RSA_free(rsa);
    cssh2_signer *signer = calloc(1, sizeof *signer);
    if (!signer) {
        crypto.EVP_PKEY_free(pkey);
        if (err && errlen) snprintf(err, errlen, "out of memory");
        return NULL;
    }
    signer->pkey = pkey;
    signer->sha512 = sha512;
    signer->self = signer;
    return signer;
fail:
    if (bn_n) crypto.BN_clear_free(bn_n);
    if (bn_e) crypto.BN_clear_free(bn_e);
    if (bn_d) crypto.BN_clear_free(bn_d);
    if (rsa) crypto.RSA_free(rsa);
    if (pkey) crypto.EVP_PKEY_free(pkey);
    return NULL;
}

void cssh2_signer_free(cssh2_signer *signer) {
    if (!signer) return;
    if (signer->pkey) crypto.EVP_PKEY_free(signer->pkey);
    free(signer);
}

static int rsa_sha2_sign(cssh2_signer *signer, const unsigned char *data, size_t data_len,
                         unsigned char **sig, size_t *sig_len) {
    void *ctx = crypto.EVP_MD_CTX_new();
    if (!ctx) return -1;
    const void *md = signer->sha512 ? crypto.EVP_sha512() : crypto.EVP_sha256();
    size_t len = 0;
    unsigned char *out = NULL;
    int rc = -1;
    if (crypto.EVP_DigestSignInit(ctx, NULL, md, NULL, signer->pkey) != 1) goto done;
    if (crypto.EVP_DigestSign(ctx, NULL, &len, data, data_len) != 1 || len == 0) goto done;
    out = malloc(len);
    if (!out) goto done;
    if (crypto.EVP_DigestSign(ctx, out, &len, data, data_len) != 1) {
        free(out);
        goto done;
    }
    *sig = out;
    *sig_len = len;
    rc = 0;
done:
    crypto.EVP_MD_CTX_free(ctx);
    return rc;
}

/* libssh2's LIBSSH2_USERAUTH_PUBLICKEY_SIGN_FUNC. libssh2 releases the signature with its allocator,
   which is malloc/free for sessions made by cssh2_session_init. */
static int sign_callback(LIBSSH2_SESSION *session, unsigned char **sig, size_t *sig_len,
                         const unsigned char *data, size_t data_len, void **abstract) {
    (void)session;
    if (abstract == NULL || *abstract == NULL) return -1;
    cssh2_signer *signer = *abstract;
    if (signer->fn) return signer->fn(signer->context, data, data_len, sig, sig_len);
    if (signer->pkey) return rsa_sha2_sign(signer, data, data_len, sig, sig_len);
    return -1;
}

int cssh2_userauth_signed(LIBSSH2_SESSION *session, const char *user,
                          const unsigned char *pubkeydata, size_t pubkeydata_len, cssh2_signer *signer) {
    if (!signer) return LIBSSH2_ERROR_BAD_USE;
    return libssh2_userauth_publickey(session, user, pubkeydata, pubkeydata_len, sign_callback, &signer->self);
}
