//! WebSocket (RFC 6455) with permessage-deflate (RFC 7692). `frame`, `session`, `handshake` and
//! `deflate` are sans I/O: bytes in, messages and decisions out, unit-tested with byte strings.
//! The server half rides on an upgraded HTTP connection (`net/http/connection/upgrade.rs`), the
//! client half on the fetch client's connection (`client.rs`); both drive one [`Session`].
//!
//! [`Session`]: session::Session

pub mod backlog;
pub mod client;
pub mod deflate;
pub mod frame;
pub mod handshake;
pub mod session;

use backlog::Receipt;

/// What an endpoint tells the program: whole messages, and the end of the conversation.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    Text(String),
    Binary(Vec<u8>),
    Closed(Close),
}

impl Event {
    /// The bytes of a message (a text message's in UTF-8); 0 for the close.
    pub fn bytes(&self) -> usize {
        match self {
            Event::Text(text) => text.len(),
            Event::Binary(bytes) => bytes.len(),
            Event::Closed(_) => 0,
        }
    }
}

/// How a conversation ended: the code and reason the peer sent (or the one we failed it with),
/// and whether both sides exchanged close frames.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Close {
    pub code: u16,
    pub reason: String,
    pub clean: bool,
}

/// Receives one endpoint's events, in order, a batch at a time; runs on pool threads, under the
/// endpoint's lock (which keeps the batches in order), so it must only queue work. It drops the
/// batch's receipt once the program has taken the batch (see [`backlog`]).
pub trait Listener: Send + Sync + 'static {
    fn events(&self, events: Vec<Event>, receipt: Receipt);
}

/// Which side of the conversation an endpoint is: it decides the masking rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Server,
    Client,
}
