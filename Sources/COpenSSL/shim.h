#ifndef COPENSSL_SHIM_H
#define COPENSSL_SHIM_H

/* OpenSSL for the TDS sandbox's TLS (server side only; the drivers use their C libraries' own TLS). */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/x509.h>
#include <openssl/pem.h>

/* Macros in the OpenSSL headers, exposed as functions Swift can call. */
static inline long copenssl_ctx_set_min_tls12(SSL_CTX *ctx) { return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION); }
static inline long copenssl_bio_pending(BIO *bio) { return (long)BIO_ctrl_pending(bio); }
static inline long copenssl_ctx_set_max_tls12(SSL_CTX *ctx) { return SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION); }
/* No session tickets (nothing to resume; no post-handshake records) and no renegotiation. */
static inline void copenssl_ctx_set_server_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}
static inline long copenssl_bio_set_mem_eof_return(BIO *bio, int value) { return BIO_set_mem_eof_return(bio, value); }

#endif
