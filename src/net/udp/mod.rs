//! UDP: datagram sockets on the reactor. A datagram is sent and received whole; a socket is
//! pumped on the pool like a TCP socket (see `readiness`), off every realm's lock.

pub mod family;
pub mod socket;
