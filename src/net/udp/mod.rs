//! UDP: datagram sockets on the reactor. A datagram is sent and received whole; a socket is
//! pumped on the pool like a TCP socket (see `readiness`), off every realm's lock. Realms that
//! bind the same address and port share one socket (see `binding` and `members`).

pub mod binding;
pub mod family;
pub mod members;
pub mod socket;
