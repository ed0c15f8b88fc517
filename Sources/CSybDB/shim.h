#ifndef CSYBDB_SHIM_H
#define CSYBDB_SHIM_H

#include <sybfront.h>
#include <sybdb.h>

/* dbopen is a macro over tdsdbopen; expose it as a function Swift can call. */
static inline DBPROCESS *csybdb_open(LOGINREC *login, const char *server) {
    return tdsdbopen(login, server, 1);
}

#endif
