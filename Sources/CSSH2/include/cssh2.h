#ifndef CSSH2_H
#define CSSH2_H
#include <libssh2.h>
#include <libssh2_sftp.h>
#include <stddef.h>

/*
 * Small C helpers for BerthSSH.
 *
 * libssh2 spells many entry points as function-like macros, which Swift cannot import;
 * the cssh2_* functions below are plain-function versions of the ones BerthSSH uses.
 * The rest covers what is awkward from Swift: variadic ioctl, signal handlers, and the
 * RSA SHA-2 signer that libssh2 1.10 lacks.
 */

/* ---- session ---- */
LIBSSH2_SESSION *cssh2_session_init(void);
int cssh2_session_disconnect(LIBSSH2_SESSION *session, const char *description);
/* A comma-separated list of the host key algorithms this libssh2 supports, malloc'd (free()); NULL on error. */
char *cssh2_supported_hostkey_algorithms(LIBSSH2_SESSION *session);

/* ---- authentication ---- */
int cssh2_userauth_publickey_fromfile(LIBSSH2_SESSION *session, const char *user,
                                      const char *publickey, const char *privatekey);

/* ---- channels ---- */
LIBSSH2_CHANNEL *cssh2_channel_open_session(LIBSSH2_SESSION *session);
int cssh2_channel_exec(LIBSSH2_CHANNEL *channel, const char *command);
int cssh2_channel_shell(LIBSSH2_CHANNEL *channel);
int cssh2_channel_subsystem(LIBSSH2_CHANNEL *channel, const char *subsystem);
int cssh2_channel_request_pty(LIBSSH2_CHANNEL *channel, const char *term, int width, int height);
int cssh2_channel_request_pty_size(LIBSSH2_CHANNEL *channel, int width, int height);
/* The exit signal name without "SIG" (e.g. "KILL") copied into buf; returns 1 if one was received, 0 if not. */
int cssh2_channel_exit_signal(LIBSSH2_SESSION *session, LIBSSH2_CHANNEL *channel, char *buf, size_t buflen);

/* ---- sftp ---- */
LIBSSH2_SFTP_HANDLE *cssh2_sftp_open(LIBSSH2_SFTP *sftp, const char *path, unsigned long flags, long mode);
LIBSSH2_SFTP_HANDLE *cssh2_sftp_opendir(LIBSSH2_SFTP *sftp, const char *path);
int cssh2_sftp_stat(LIBSSH2_SFTP *sftp, const char *path, int stat_type, LIBSSH2_SFTP_ATTRIBUTES *attrs);
int cssh2_sftp_fstat(LIBSSH2_SFTP_HANDLE *handle, LIBSSH2_SFTP_ATTRIBUTES *attrs, int setstat);
int cssh2_sftp_unlink(LIBSSH2_SFTP *sftp, const char *path);
int cssh2_sftp_rename(LIBSSH2_SFTP *sftp, const char *from, const char *to);
int cssh2_sftp_mkdir(LIBSSH2_SFTP *sftp, const char *path, long mode);
int cssh2_sftp_rmdir(LIBSSH2_SFTP *sftp, const char *path);
/* (SYMLINK is done on BerthSSH's own SFTP side channel: Debian's libssh2 1.10 misreports its status.) */
/* readlink/realpath: the result is written into buf (not NUL-terminated); returns its length or an error. */
int cssh2_sftp_readlink(LIBSSH2_SFTP *sftp, const char *path, char *buf, unsigned int buflen, int realpath);

/* ---- terminal ---- */
/* Fills cols/rows (and pixel sizes) from TIOCGWINSZ on fd; returns 0 on success, -1 with errno. */
int cssh2_get_winsize(int fd, int *cols, int *rows, int *xpixel, int *ypixel);
/* Installs a SIGWINCH handler that writes one byte to a non-blocking self-pipe; returns the pipe's read end or -1. */
int cssh2_winch_install(void);
/* Restores the previous SIGWINCH disposition and closes the pipe. */
void cssh2_winch_uninstall(void);
/* Drains the self-pipe; returns 1 if at least one SIGWINCH arrived since the last call. */
int cssh2_winch_take(void);

/* ---- public-key authentication with our own signer ----
 * libssh2 1.10 signs RSA user authentication only with ssh-rsa (SHA-1), which OpenSSH >= 8.8 refuses,
 * and asks ssh-agent for SHA-1 signatures too. A cssh2_signer produces the signature instead, and
 * cssh2_userauth_signed hands it to libssh2_userauth_publickey. The key blob passed there must start
 * with the signature algorithm's name ("rsa-sha2-512"): libssh2 copies that name into the request. */
typedef struct cssh2_signer cssh2_signer;
/* Signs data; stores a malloc'd signature (the raw signature, without the algorithm name) in *sig. 0 = ok. */
typedef int (*cssh2_sign_fn)(void *context, const unsigned char *data, size_t data_len,
                             unsigned char **sig, size_t *sig_len);
/* A signer calling fn(context, ...). */
cssh2_signer *cssh2_signer_new(cssh2_sign_fn fn, void *context);
/* 1 when libcrypto's RSA signing functions could be resolved in this process (libssh2 links them). */
int cssh2_rsa_sha2_available(void);
/* An RSA signer from big-endian unsigned integers n, e, d using libcrypto (resolved with dlsym);
 * sha512 selects rsa-sha2-512 (else -256). Returns NULL and a message in err on failure. */
cssh2_signer *cssh2_rsa_signer_new(const unsigned char *n, size_t nlen,
                                   const unsigned char *e, size_t elen,
                                   const unsigned char *d, size_t dlen,
                                   int sha512, char *err, size_t errlen);
void cssh2_signer_free(cssh2_signer *signer);
/* libssh2_userauth_publickey with the signer. */
int cssh2_userauth_signed(LIBSSH2_SESSION *session, const char *user,
                          const unsigned char *pubkeydata, size_t pubkeydata_len, cssh2_signer *signer);

#endif
