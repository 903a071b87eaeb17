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

/* ---- RSA with SHA-2 signatures ----
 * libssh2 1.10 signs RSA user authentication only with ssh-rsa (SHA-1), which OpenSSH >= 8.8
 * refuses. These helpers sign with rsa-sha2-512/256 through the libcrypto that libssh2 itself
 * is linked with (resolved at run time with dlsym), and hand the signature to
 * libssh2_userauth_publickey. */
typedef struct cssh2_rsa_signer cssh2_rsa_signer;
/* 1 when libcrypto's RSA signing functions could be resolved in this process. */
int cssh2_rsa_sha2_available(void);
/* Builds a signer from big-endian unsigned integers n, e, d; sha512 selects rsa-sha2-512 (else -256).
 * Returns NULL and a message in err on failure. */
cssh2_rsa_signer *cssh2_rsa_signer_new(const unsigned char *n, size_t nlen,
                                       const unsigned char *e, size_t elen,
                                       const unsigned char *d, size_t dlen,
                                       int sha512, char *err, size_t errlen);
void cssh2_rsa_signer_free(cssh2_rsa_signer *signer);
/* libssh2_userauth_publickey with the signer. pubkeydata is the key blob whose leading type string
 * already names the signature algorithm ("rsa-sha2-512"); libssh2 copies that name into the request. */
int cssh2_userauth_rsa_sha2(LIBSSH2_SESSION *session, const char *user,
                            const unsigned char *pubkeydata, size_t pubkeydata_len,
                            cssh2_rsa_signer *signer);

#endif
