//! An HTTP connection upgraded to WebSocket: the request being handled is answered 101 and the
//! connection's exchange passes bytes through to a [`Session`], read and written by the same
//! pump and I/O as HTTP (so whatever transport the connection has, the WebSocket has too).
//!
//! Invariants:
//! - the session lives under the connection's lock, and its events reach the [`Listener`] under
//!   it too (the listener only queues them): two pumps of one connection can overlap, one
//!   finishing while the next reads, and events handed over after the lock could pass each
//!   other. The close comes last and once (a connection that closes any other way reports 1006);
//! - output above the connection's high-water mark makes senders wait (`Connection::drain`);
//! - the connection does not read while the program is behind by a full [`Backlog`] of messages,
//!   and messages past one batch wait in the session ([`Session::holding`]); the backlog's resume
//!   pumps it again, and the held messages go first;
//! - an idle peer is pinged after `idle` and the conversation ends after another `idle` without a
//!   byte from it.

use super::{Connection, State};
use crate::io::IoError;
use crate::net::piece::Piece;
use crate::net::readiness::{schedule, schedule_after_task};
use crate::net::websocket::backlog::Backlog;
use crate::net::websocket::handshake::{self, Refusal};
use crate::net::websocket::session::Session;
use crate::net::websocket::{Event, Listener, Role};
use crate::scheduler::{Priority, TimerKey};
use std::sync::Arc;
use std::time::Duration;

/// What the program asked of the upgrade.
pub struct Options {
    /// Subprotocols in the server's order of preference.
    pub protocols: Vec<String>,
    pub deflate: bool,
    pub max_message: usize,
    /// Ping a silent peer after this, and give up after as long again; None never.
    pub idle: Option<Duration>,
}

pub(super) struct Upgraded {
    session: Session,
    listener: Arc<dyn Listener>,
    backlog: Arc<Backlog>,
    /// A byte arrived since the idle timer last fired.
    heard: bool,
    pinged: bool,
    idle: Option<TimerKey>,
}

/// What the upgrade agreed: the subprotocol (empty for none) and the extensions' header value.
pub struct Agreed {
    pub protocol: String,
    pub extensions: String,
}

impl Connection {
    /// Answers the request being handled with 101 when its method, HTTP minor version and
    /// header fields make a valid upgrade, and speaks
    /// WebSocket from then on, telling `listener` of messages and the close; otherwise answers
    /// the refusal's status (the connection then closes) and gives it.
    pub fn upgrade(
        self: &Arc<Self>,
        (method, minor_version, headers): (&str, u8, &[(String, String)]),
        options: Options,
        listener: Arc<dyn Listener>,
    ) -> Result<Agreed, Refusal> {
        let agreed = handshake::accept(
            method,
            minor_version,
            headers,
            &options.protocols,
            options.deflate,
        );
        let mut state = self.lock();
        let agreement = match agreed {
            Ok(agreement) => agreement,
            Err(refusal) => {
                let mut headers = vec![
                    ("Content-Type".into(), "text/plain".into()),
                    ("Connection".into(), "close".into()),
                ];
                if refusal.status == 426 {
                    headers.push(("Sec-WebSocket-Version".into(), "13".into()));
                }
                let body = format!("{}\n", refusal.reason);
                if let Ok(Some(ending)) =
                    state
                        .exchange
                        .respond(refusal.status, &headers, body.as_bytes(), true)
                {
                    self.ended(&mut state, ending);
                }
                drop(state);
                schedule_after_task(self);
                return Err(refusal);
            }
        };
        if state.exchange.upgrade(&agreement.response).is_err() {
            return Err(Refusal {
                status: 500,
                reason: "the response has already started or the connection is closed".into(),
            });
        }
        let idle = options.idle.map(|every| {
            let weak = self.this.clone();
            self.scheduler.timer(every, Some(every), move |_| {
                if let Some(connection) = weak.upgrade() {
                    let scheduler = connection.scheduler.clone();
                    scheduler.spawn(Priority::Low, move || connection.idle_tick());
                }
            })
        });
        let weak = self.this.clone();
        let backlog = Backlog::new(move || {
            if let Some(connection) = weak.upgrade() {
                schedule(&connection);
            }
        });
        state.websocket = Some(Upgraded {
            session: Session::new(Role::Server, options.max_message, agreement.deflate),
            listener,
            backlog,
            heard: true,
            pinged: false,
            idle,
        });
        drop(state);
        // Bytes the client sent right after its request wait in the input: the pump takes them.
        schedule_after_task(self);
        Ok(Agreed {
            protocol: agreement.protocol.unwrap_or_default(),
            extensions: agreement.deflate.map(|p| p.header()).unwrap_or_default(),
        })
    }

    /// Sends a message; gives whether the output is under the high-water mark (else wait with
    /// `drain`), or fails once the conversation is closing.
    pub fn websocket_send(
        self: &Arc<Self>,
        text: bool,
        payload: &(impl Piece + ?Sized),
    ) -> Result<bool, IoError> {
        self.websocket(|session, out| session.send(text, payload, out))
    }

    pub fn websocket_ping(self: &Arc<Self>, payload: &[u8]) -> Result<bool, IoError> {
        self.websocket(|session, out| session.ping(payload, out))
    }

    /// Starts the close handshake; the peer's answer ends the conversation.
    pub fn websocket_close(self: &Arc<Self>, code: u16, reason: &str) {
        let _ = self.websocket(|session, out| {
            session.close(code, reason, out);
            true
        });
    }

    fn websocket(
        self: &Arc<Self>,
        act: impl FnOnce(&mut Session, &mut Vec<u8>) -> bool,
    ) -> Result<bool, IoError> {
        let mut state = self.lock();
        let State {
            exchange,
            websocket,
            broken,
            ..
        } = &mut *state;
        if let Some(error) = broken {
            return Err(error.clone());
        }
        let (Some(upgraded), Some((_, out, _))) = (websocket.as_mut(), exchange.upgraded()) else {
            return Err(IoError::invalid("the WebSocket is closed"));
        };
        if !act(&mut upgraded.session, out) {
            return Err(IoError::invalid("the WebSocket is closing"));
        }
        let under = out.len() <= super::HIGH_WATER;
        drop(state);
        schedule_after_task(self);
        Ok(under)
    }

    /// The pump's step for an upgraded connection: the input to the session, its events to the
    /// listener; true when it did something.
    pub(super) fn pump_websocket(&self, state: &mut State) -> bool {
        let State {
            exchange,
            websocket,
            ..
        } = state;
        let (Some(upgraded), Some((input, out, peer_finished))) =
            (websocket.as_mut(), exchange.upgraded())
        else {
            return false;
        };
        let mut events = Vec::new();
        // Messages held back by the last batch are read on once the program is under its backlog.
        let held = upgraded.session.holding() && !upgraded.backlog.full();
        let mut progress = !input.is_empty() || held;
        if progress {
            upgraded.heard |= !input.is_empty();
            upgraded.session.receive(input, out, &mut events);
            input.clear();
        }
        if peer_finished {
            progress |= upgraded.session.peer_finished(&mut events);
        }
        upgraded.tell(events);
        if upgraded.session.done() {
            exchange.abort();
        }
        progress
    }

    /// The idle timer fired: a silent peer is pinged, then given up on.
    fn idle_tick(self: Arc<Self>) {
        let mut state = self.lock();
        let State {
            exchange,
            websocket,
            ..
        } = &mut *state;
        let (Some(upgraded), Some((_, out, _))) = (websocket.as_mut(), exchange.upgraded()) else {
            return;
        };
        // A peer we are not reading (the program is behind) is not silent.
        if upgraded.heard || upgraded.backlog.full() {
            upgraded.heard = false;
            upgraded.pinged = false;
        } else if !upgraded.pinged {
            upgraded.pinged = upgraded.session.ping(b"", out);
        } else {
            upgraded
                .session
                .close(1001, "the peer stopped answering pings", out);
            let mut events = Vec::new();
            upgraded.session.abandon(&mut events);
            upgraded.tell(events);
            exchange.abort();
        }
        drop(state);
        schedule(&self);
    }

    /// The server is closing: the conversation is asked to end (1001).
    pub(super) fn websocket_going_away(&self, state: &mut State) {
        let State {
            exchange,
            websocket,
            ..
        } = state;
        if let (Some(upgraded), Some((_, out, _))) = (websocket.as_mut(), exchange.upgraded()) {
            upgraded.session.close(1001, "the server is closing", out);
        }
    }

    /// The connection closed: the timer stops, and a conversation not yet over ends with 1006.
    pub(super) fn websocket_closed(&self, state: &mut State) {
        let Some(mut upgraded) = state.websocket.take() else {
            return;
        };
        if let Some(key) = upgraded.idle.take() {
            self.scheduler.cancel_timer(key);
        }
        let mut events = Vec::new();
        upgraded.session.abandon(&mut events);
        upgraded.tell(events);
    }

    /// Whether the program is too far behind for more to be read.
    pub(super) fn websocket_backlogged(&self, state: &State) -> bool {
        state.websocket.as_ref().is_some_and(|u| u.backlog.full())
    }
}

impl Upgraded {
    fn tell(&self, events: Vec<Event>) {
        if !events.is_empty() {
            let receipt = self.backlog.receipt(&events);
            self.listener.events(events, receipt);
        }
    }
}
