//! A WebSocket client: the upgrade request over a connection the fetch client dials (the same
//! name lookup, non-blocking connect, CONNECT tunnel through a proxy and rustls for wss:), the
//! answer checked, then a [`Session`] read and written over that connection.
//!
//! Invariants:
//! - one read is always pending while the conversation is open (a pending read holds the
//!   runtime, as an open WebSocket keeps a Node program running), and one write at most; but
//!   none while the program is a full [`Backlog`] of messages behind (`held_back`, set under
//!   the lock the backlog's resume takes to read on), nor while messages wait in the session
//!   (they are given first);
//! - the listener hears of messages only after `open`'s `done`, under the client's lock (so in
//!   order), the close last and once;
//! - a close we start that the server does not answer within [`CLOSE_WAIT`] ends the
//!   conversation anyway (1006), so a silent server cannot keep the program running.

use super::backlog::Backlog;
use super::handshake::{self, Answer};
use super::session::Session;
use super::{Event, Listener, Role};
use crate::net::client::connection::Connection;
use crate::net::client::dial::{Route, dial};
use crate::net::http::parse::MAX_HEAD_BYTES;
use crate::scheduler::{Priority, Scheduler, TimerKey};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::Duration;

/// How long a close we started waits for the server's.
pub const CLOSE_WAIT: Duration = Duration::from_secs(30);

/// What to open.
pub struct Request {
    pub route: Route,
    /// The `Host` field: the origin's host and port.
    pub host: String,
    /// Path and query, or the whole URL through a plain proxy.
    pub target: String,
    pub protocols: Vec<String>,
    pub max_message: usize,
}

pub type Opened = Box<dyn FnOnce(Result<(Arc<Client>, Answer), String>) + Send>;

pub struct Client {
    connection: Arc<Connection>,
    scheduler: Scheduler,
    listener: Arc<dyn Listener>,
    backlog: Arc<Backlog>,
    state: Mutex<State>,
}

struct State {
    session: Session,
    /// Frames not yet handed to the connection.
    output: Vec<u8>,
    /// Bytes handed to the connection and not yet written.
    writing: usize,
    close_timer: Option<TimerKey>,
    over: bool,
    /// The next read waits for the backlog to fall.
    held_back: bool,
}

impl Client {
    /// Dials, sends the upgrade request and checks the answer; `done` hears the client, or why
    /// the connection failed.
    pub fn open(
        scheduler: &Scheduler,
        request: Request,
        listener: Arc<dyn Listener>,
        done: Opened,
    ) {
        let key = handshake::new_key();
        let head = handshake::request(
            &request.host,
            &request.target,
            &key,
            &request.protocols,
            None,
        );
        let scheduler = scheduler.clone();
        dial(
            &scheduler.clone(),
            request.route.clone(),
            Box::new(move |dialed| {
                let connection = match dialed {
                    Ok(connection) => connection,
                    Err(error) => return done(Err(error.message)),
                };
                let reading = connection.clone();
                connection.write(
                    head,
                    Box::new(move |written| match written {
                        Err(error) => done(Err(error.message)),
                        Ok(()) => {
                            let answer = Answering {
                                connection: reading,
                                scheduler,
                                request,
                                key,
                                listener,
                                done,
                            };
                            answer.read(Vec::new());
                        }
                    }),
                );
            }),
        );
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Sends a message; false once a close was started.
    pub fn send(self: &Arc<Self>, text: bool, payload: &[u8]) -> bool {
        let sent = {
            let state = &mut *self.lock();
            state.session.send(text, payload, &mut state.output)
        };
        self.flush();
        sent
    }

    /// Bytes of sent messages not yet written to the socket.
    pub fn buffered(&self) -> usize {
        let state = self.lock();
        state.output.len() + state.writing
    }

    /// Starts the close handshake (once); the server's close, or [`CLOSE_WAIT`], ends it.
    pub fn close(self: &Arc<Self>, code: u16, reason: &str) {
        {
            let state = &mut *self.lock();
            if state.over || state.close_timer.is_some() {
                return;
            }
            state.session.close(code, reason, &mut state.output);
            let weak = Arc::downgrade(self);
            let pool = self.scheduler.clone();
            state.close_timer = Some(self.scheduler.timer(CLOSE_WAIT, None, move |_| {
                if let Some(client) = weak.upgrade() {
                    pool.spawn(Priority::Low, move || client.abandon());
                }
            }));
        }
        self.flush();
    }

    /// Ends the conversation now (1006 if it was not over).
    pub fn abandon(self: &Arc<Self>) {
        {
            let mut state = self.lock();
            let mut events = Vec::new();
            state.session.abandon(&mut events);
            self.tell(events);
        }
        self.finish();
    }

    /// Gives `events` to the listener; called under the lock, which keeps batches in order.
    fn tell(&self, events: Vec<Event>) {
        if !events.is_empty() {
            let receipt = self.backlog.receipt(&events);
            self.listener.events(events, receipt);
        }
    }

    fn received(self: &Arc<Self>, read: Result<Vec<u8>, String>) {
        self.step(|session, output, events| match read {
            Ok(bytes) if !bytes.is_empty() => session.receive(&bytes, output, events),
            _ => {
                session.peer_finished(events);
            }
        });
    }

    /// Acts on the session under the lock and tells the listener what came of it; then writes
    /// and reads on.
    fn step(self: &Arc<Self>, act: impl FnOnce(&mut Session, &mut Vec<u8>, &mut Vec<Event>)) {
        let mut events = Vec::new();
        {
            let state = &mut *self.lock();
            act(&mut state.session, &mut state.output, &mut events);
            self.tell(events);
        }
        self.flush();
        self.finish();
    }

    /// Reads on while the conversation is open, else lets the connection go once the output is
    /// out.
    fn finish(self: &Arc<Self>) {
        let (done, flushed, holding) = {
            let mut state = self.lock();
            if !state.session.done() && self.backlog.full() {
                state.held_back = true;
                return;
            }
            (
                state.session.done(),
                state.output.is_empty() && state.writing == 0,
                state.session.holding(),
            )
        };
        if holding {
            return self.step(|session, output, events| session.receive(&[], output, events));
        }
        if !done {
            let client = self.clone();
            return self.connection.read(Box::new(move |read| {
                client.received(read.map_err(|e| e.message))
            }));
        }
        if flushed {
            self.end();
        }
    }

    /// The backlog fell: a read held back is made now.
    fn read_on(self: &Arc<Self>) {
        let held_back = std::mem::take(&mut self.lock().held_back);
        if held_back {
            self.finish();
        }
    }

    fn end(&self) {
        let mut state = self.lock();
        if state.over {
            return;
        }
        state.over = true;
        if let Some(key) = state.close_timer.take() {
            self.scheduler.cancel_timer(key);
        }
        drop(state);
        self.connection.close();
    }

    /// Hands the output to the connection unless a write is in flight.
    fn flush(self: &Arc<Self>) {
        let mut state = self.lock();
        if state.writing > 0 || state.output.is_empty() || state.over {
            return;
        }
        let bytes = std::mem::take(&mut state.output);
        state.writing = bytes.len();
        drop(state);
        let client = self.clone();
        self.connection.write(
            bytes,
            Box::new(move |written| {
                let mut state = client.lock();
                state.writing = 0;
                let done = state.session.done();
                if written.is_err() {
                    let mut events = Vec::new();
                    state.session.abandon(&mut events);
                    client.tell(events);
                }
                drop(state);
                if done || written.is_err() {
                    let flushed = client.lock().output.is_empty();
                    if flushed || written.is_err() {
                        return client.end();
                    }
                }
                client.flush();
            }),
        );
    }
}

/// The upgrade request is out: the answer's head is read and checked.
struct Answering {
    connection: Arc<Connection>,
    scheduler: Scheduler,
    request: Request,
    key: String,
    listener: Arc<dyn Listener>,
    done: Opened,
}

impl Answering {
    fn read(self, mut so_far: Vec<u8>) {
        let connection = self.connection.clone();
        connection.read(Box::new(move |read| {
            let bytes = match read {
                Ok(bytes) if bytes.is_empty() => {
                    return (self.done)(Err(
                        "the server closed the connection during the handshake".into(),
                    ));
                }
                Ok(bytes) => bytes,
                Err(error) => return (self.done)(Err(error.message)),
            };
            so_far.extend_from_slice(&bytes);
            let mut fields = [httparse::EMPTY_HEADER; 64];
            let mut head = httparse::Response::new(&mut fields);
            match head.parse(&so_far) {
                Ok(httparse::Status::Partial) if so_far.len() <= MAX_HEAD_BYTES => {
                    self.read(so_far)
                }
                Ok(httparse::Status::Partial) => {
                    (self.done)(Err("the server's answer head is too long".into()))
                }
                Err(e) => (self.done)(Err(format!("the server's answer is not HTTP: {e}"))),
                Ok(httparse::Status::Complete(len)) => {
                    let status = head.code.unwrap_or(0);
                    let headers: Vec<(String, String)> = head
                        .headers
                        .iter()
                        .map(|h| {
                            (
                                h.name.to_string(),
                                String::from_utf8_lossy(h.value).trim().to_string(),
                            )
                        })
                        .collect();
                    let rest = so_far[len..].to_vec();
                    self.answered(status, &headers, rest);
                }
            }
        }));
    }

    fn answered(self, status: u16, headers: &[(String, String)], rest: Vec<u8>) {
        let answer =
            match handshake::check_answer(status, headers, &self.key, &self.request.protocols) {
                Ok(answer) => answer,
                Err(why) => {
                    self.connection.close();
                    return (self.done)(Err(why));
                }
            };
        let client = Arc::new_cyclic(|weak: &Weak<Client>| {
            let weak = weak.clone();
            Client {
                connection: self.connection,
                scheduler: self.scheduler,
                listener: self.listener,
                backlog: Backlog::new(move || {
                    if let Some(client) = weak.upgrade() {
                        client.read_on();
                    }
                }),
                state: Mutex::new(State {
                    session: Session::new(Role::Client, self.request.max_message, answer.deflate),
                    output: Vec::new(),
                    writing: 0,
                    close_timer: None,
                    over: false,
                    held_back: false,
                }),
            }
        });
        (self.done)(Ok((client.clone(), answer)));
        if rest.is_empty() {
            client.finish();
        } else {
            client.received(Ok(rest));
        }
    }
}
