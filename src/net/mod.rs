//! Native networking: the Acceptor (listening socket), TCP and UDP sockets as devices, the
//! HTTP/1.x server and WebSocket; TCP sockets read and write through a `Transport` (plain or TLS).
//! Sockets are non-blocking and watched by the reactor (mio); each is driven by one pump task at a
//! time on the pool, off every realm's lock. Nothing here knows about JS: the api layer turns these
//! into Nexus.Net.
//!
//! Layer: above `io` and the scheduler, beside the realm. Nothing here names `realm`, `api` or
//! `runtime` (tests/layers.rs keeps it so): the api layer hands in what hears of connections (an
//! HTTP server's `Handler`, an Acceptor's `OnAccept`) and keeps the handles JS holds them by.

pub mod acceptor;
pub mod bound;
pub mod client;
pub mod http;
pub mod piece;
pub mod readiness;
pub mod scratch;
pub mod socket;
pub mod transport;
pub mod udp;
pub mod websocket;
