//! One request's exchange: a pooled connection to its origin or a new one, the head and body
//! written, the response head read, and the body read and decoded piece by piece as JS asks.
//! The connection goes back to the pool the moment the response's last byte is read, if the
//! exchange allows (see `exchange::ResponseReader::reusable`); else it closes.
//!
//! Invariants:
//! - a request whose body can be sent again (none, or bytes) and whose method is idempotent is
//!   retried once on a new connection when a pooled one fails before any byte of the answer:
//!   the server closed it while it was idle, which the pool cannot always see;
//! - `abort` closes the connection: every pending operation ends with an error, later ones too;
//! - decoded body bytes are handed out in the order they arrived, then one end.

use super::connection::{Connection, Done};
use super::decode::Decoder;
use super::dial::{Route, dial};
use super::error::FetchError;
use super::exchange::{
    LAST_CHUNK, RequestFraming, ResponseHead, ResponseReader, chunk, request_head,
};
use super::{pool, proxy};
use crate::scheduler::Scheduler;
use std::sync::{Arc, Mutex, MutexGuard};
use url::{Position, Url};

/// The fields a request gets when the program did not set them, as browsers and undici send.
const DEFAULT_HEADERS: [(&str, &str); 3] = [
    ("accept", "*/*"),
    ("accept-encoding", "gzip, deflate, br"),
    ("user-agent", concat!("Nexus/", env!("CARGO_PKG_VERSION"))),
];

/// What the request body is.
pub enum RequestBody {
    Empty,
    /// All of it, known now (replayable).
    Bytes(Vec<u8>),
    /// Given later through [`Fetch::send`]; its length if known (else it goes chunked).
    Stream(Option<u64>),
}

pub struct Fetch {
    scheduler: Scheduler,
    route: Route,
    /// The pool's key: the origin and the proxy it goes through.
    origin: String,
    /// The request head, made once (a retry sends it again).
    head: Vec<u8>,
    body: RequestBody,
    chunked: bool,
    replayable: bool,
    head_request: bool,
    close: bool,
    state: Mutex<State>,
}

struct State {
    connection: Option<Arc<Connection>>,
    reused: bool,
    retried: bool,
    reader: ResponseReader,
    decoder: Decoder,
    /// Decoded body bytes not yet handed out.
    ready: Vec<u8>,
    /// The whole request went out.
    sent: bool,
    /// The body's end was read (and the connection let go of).
    ended: bool,
    aborted: bool,
}

impl Fetch {
    /// A fetch of `url` (http: or https:); an unusable URL or proxy setting is an error.
    pub fn new(
        scheduler: &Scheduler,
        method: &str,
        url: &Url,
        headers: &[(String, String)],
        body: RequestBody,
    ) -> Result<Fetch, FetchError> {
        let invalid = |why: String| FetchError::new("ERR_INVALID_URL", why);
        let tls = match url.scheme() {
            "http" => false,
            "https" => true,
            other => {
                return Err(invalid(format!(
                    "the scheme '{other}:' is not http: or https:"
                )));
            }
        };
        let host = url
            .host_str()
            .ok_or_else(|| invalid(format!("{url} has no host")))?;
        let port = url
            .port_or_known_default()
            .ok_or_else(|| invalid(format!("{url} has no port")))?;
        let proxy = proxy::proxy_for(url).map_err(|e| FetchError::new("ERR_INVALID_PROXY", e))?;
        let authority = format!("{host}:{port}");
        let (route, target) = match &proxy {
            Some(proxy) => {
                let route = Route {
                    host: proxy.host_str().unwrap_or_default().to_owned(),
                    port: proxy.port_or_known_default().unwrap_or(80),
                    tunnel: tls.then(|| authority.clone()),
                    tls: tls.then(|| host.to_owned()),
                    tls_config: None,
                };
                // Through a plain proxy the request line names the whole URL (RFC 9112 §3.2.2).
                let target = if tls {
                    &url[Position::BeforePath..Position::AfterQuery]
                } else {
                    &url[..Position::AfterQuery]
                };
                (route, target)
            }
            None => (
                Route {
                    host: host.to_owned(),
                    port,
                    tunnel: None,
                    tls: tls.then(|| host.to_owned()),
                    tls_config: None,
                },
                &url[Position::BeforePath..Position::AfterQuery],
            ),
        };
        let framing = match &body {
            RequestBody::Bytes(bytes) => RequestFraming::Length(bytes.len() as u64),
            RequestBody::Stream(Some(n)) => RequestFraming::Length(*n),
            RequestBody::Stream(None) => RequestFraming::Chunked,
            // Servers may ask a length of a body-carrying method, as undici sends it.
            RequestBody::Empty if matches!(method, "POST" | "PUT" | "PATCH") => {
                RequestFraming::Length(0)
            }
            RequestBody::Empty => RequestFraming::Empty,
        };
        let host_field = &url[Position::BeforeHost..Position::AfterPort];
        let mut headers = headers.to_vec();
        for (name, value) in DEFAULT_HEADERS {
            if !headers.iter().any(|(n, _)| n.eq_ignore_ascii_case(name)) {
                headers.push((name.to_owned(), value.to_owned()));
            }
        }
        let close = headers
            .iter()
            .any(|(n, v)| n.eq_ignore_ascii_case("connection") && v.eq_ignore_ascii_case("close"));
        let idempotent = matches!(
            method,
            "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE"
        );
        let proxy_key = proxy.as_ref().map_or(String::new(), Url::to_string);
        Ok(Fetch {
            scheduler: scheduler.clone(),
            origin: format!("{}://{authority} {proxy_key}", url.scheme()),
            route,
            head: request_head(method, target, host_field, &headers, framing),
            replayable: idempotent && !matches!(body, RequestBody::Stream(_)),
            chunked: framing == RequestFraming::Chunked,
            body,
            head_request: method == "HEAD",
            close,
            state: Mutex::new(State {
                connection: None,
                reused: false,
                retried: false,
                reader: ResponseReader::new(method == "HEAD", close),
                decoder: Decoder::Identity,
                ready: Vec::new(),
                sent: false,
                ended: false,
                aborted: false,
            }),
        })
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Connects (or takes a pooled connection) and sends the head, with the body if it is
    /// bytes.
    pub fn open(self: &Arc<Self>, done: Done<()>) {
        match pool::take(&self.origin) {
            Some(connection) => self.send_head(connection, true, done),
            None => self.dial(done),
        }
    }

    fn dial(self: &Arc<Self>, done: Done<()>) {
        let this = self.clone();
        dial(
            &self.scheduler,
            self.route.clone(),
            Box::new(move |dialed| match dialed {
                Ok(connection) => this.send_head(connection, false, done),
                Err(error) => done(Err(error)),
            }),
        );
    }

    fn send_head(self: &Arc<Self>, connection: Arc<Connection>, reused: bool, done: Done<()>) {
        {
            let mut state = self.lock();
            if state.aborted {
                drop(state);
                connection.close();
                return done(Err(FetchError::aborted()));
            }
            state.connection = Some(connection.clone());
            state.reused = reused;
        }
        let mut bytes = self.head.clone();
        if let RequestBody::Bytes(body) = &self.body {
            bytes.extend_from_slice(body);
        }
        let this = self.clone();
        connection.write(
            bytes,
            Box::new(move |written| match written {
                Ok(()) => {
                    this.lock().sent = !matches!(this.body, RequestBody::Stream(_));
                    done(Ok(()))
                }
                Err(error) => match this.may_retry() {
                    true => this.dial(done),
                    false => done(Err(error)),
                },
            }),
        );
    }

    /// On a pooled connection's failure before any answer: whether to try once more on a new
    /// one (then the old one is closed and the reader starts over).
    fn may_retry(&self) -> bool {
        let mut state = self.lock();
        if !self.replayable || !state.reused || state.retried || state.reader.started() {
            return false;
        }
        if state.aborted {
            return false;
        }
        state.retried = true;
        state.reused = false;
        state.reader = ResponseReader::new(self.head_request, self.close);
        if let Some(connection) = state.connection.take() {
            connection.close();
        }
        true
    }

    /// Sends a piece of a streamed body; `None` ends it.
    pub fn send(self: &Arc<Self>, piece: Option<Vec<u8>>, done: Done<()>) {
        let Some(connection) = self.lock().connection.clone() else {
            return done(Err(FetchError::aborted()));
        };
        let end = piece.is_none();
        let bytes = match (piece, self.chunked) {
            (Some(piece), true) => {
                let mut out = Vec::with_capacity(piece.len() + 16);
                chunk(&piece, &mut out);
                out
            }
            (Some(piece), false) => piece,
            (None, true) => LAST_CHUNK.to_vec(),
            (None, false) => Vec::new(),
        };
        let this = self.clone();
        connection.write(
            bytes,
            Box::new(move |written| {
                if written.is_ok() && end {
                    this.lock().sent = true;
                }
                done(written)
            }),
        );
    }

    /// [`open`](Fetch::open) then [`head`](Fetch::head), for a body known now: one round trip
    /// for the caller instead of two.
    pub fn open_and_head(self: &Arc<Self>, done: Done<ResponseHead>) {
        let this = self.clone();
        self.open(Box::new(move |opened| match opened {
            Ok(()) => this.head(done),
            Err(error) => done(Err(error)),
        }));
    }

    /// Reads until the response head (interim answers skipped).
    pub fn head(self: &Arc<Self>, done: Done<ResponseHead>) {
        let Some(connection) = self.lock().connection.clone() else {
            return done(Err(FetchError::aborted()));
        };
        let this = self.clone();
        connection.read(Box::new(move |read| {
            let bytes = match read {
                Ok(bytes) => bytes,
                Err(error) => return this.head_failed(error, done),
            };
            if bytes.is_empty() {
                let error = FetchError::closed("the server closed the connection before answering");
                return this.head_failed(error, done);
            }
            let fed = {
                let mut state = this.lock();
                let mut body = Vec::new();
                let fed = state.reader.feed(&bytes, &mut body);
                if let Ok(Some(head)) = &fed {
                    let encoding = head.values("content-encoding").next();
                    state.decoder = Decoder::new(encoding);
                }
                fed.map_err(|e| FetchError::malformed(e.0))
                    .and_then(|head| this.absorb(&mut state, body).map(|()| head))
            };
            match fed {
                Ok(Some(head)) => done(Ok(head)),
                Ok(None) => this.head(done),
                Err(error) => {
                    this.abort();
                    done(Err(error))
                }
            }
        }));
    }

    fn head_failed(self: &Arc<Self>, error: FetchError, done: Done<ResponseHead>) {
        if !self.may_retry() {
            return done(Err(error));
        }
        let this = self.clone();
        self.dial(Box::new(move |sent| match sent {
            Ok(()) => this.head(done),
            Err(error) => done(Err(error)),
        }));
    }

    /// Decodes body bytes into `ready`; at the body's end, lets go of the connection.
    fn absorb(&self, state: &mut State, body: Vec<u8>) -> Result<(), FetchError> {
        let decoded = state
            .decoder
            .decode(body)
            .map_err(|e| FetchError::new("Z_DATA_ERROR", e))?;
        state.ready.extend(decoded);
        if state.reader.done() && !state.ended {
            let rest = state
                .decoder
                .finish()
                .map_err(|e| FetchError::new("Z_DATA_ERROR", e))?;
            state.ready.extend(rest);
            state.ended = true;
            if let Some(connection) = state.connection.take() {
                if state.reader.reusable() && state.sent {
                    pool::put(&self.scheduler, &self.origin, connection);
                } else {
                    connection.close();
                }
            }
        }
        Ok(())
    }

    /// What [`read`](Fetch::read) would give without waiting: the decoded bytes that are
    /// here, or the end; `None` when a read has to wait for the network.
    pub fn take(&self) -> Option<Option<Vec<u8>>> {
        let mut state = self.lock();
        if !state.ready.is_empty() {
            return Some(Some(std::mem::take(&mut state.ready)));
        }
        state.ended.then_some(None)
    }

    /// The whole decoded body if its end has been read already (it came with the head), else
    /// `None` and nothing is taken.
    pub fn take_whole(&self) -> Option<Vec<u8>> {
        let mut state = self.lock();
        state.ended.then(|| std::mem::take(&mut state.ready))
    }

    /// The next decoded piece of the body, or `None` at its end.
    pub fn read(self: &Arc<Self>, done: Done<Option<Vec<u8>>>) {
        let connection = {
            let mut state = self.lock();
            if !state.ready.is_empty() {
                let piece = std::mem::take(&mut state.ready);
                drop(state);
                return done(Ok(Some(piece)));
            }
            if state.ended {
                drop(state);
                return done(Ok(None));
            }
            state.connection.clone()
        };
        let Some(connection) = connection else {
            return done(Err(FetchError::aborted()));
        };
        let this = self.clone();
        connection.read(Box::new(move |read| {
            let absorbed = read.and_then(|bytes| {
                let mut state = this.lock();
                if bytes.is_empty() {
                    state
                        .reader
                        .end()
                        .map_err(|e| FetchError::closed(e.0))
                        .and_then(|()| this.absorb(&mut state, Vec::new()))
                } else {
                    let mut body = Vec::new();
                    state
                        .reader
                        .feed(&bytes, &mut body)
                        .map_err(|e| FetchError::malformed(e.0))
                        .and_then(|_| this.absorb(&mut state, body))
                }
            });
            match absorbed {
                Ok(()) => this.read(done),
                Err(error) => {
                    this.abort();
                    done(Err(error))
                }
            }
        }));
    }

    /// Ends the exchange now: the connection closes, pending operations fail.
    pub fn abort(&self) {
        let connection = {
            let mut state = self.lock();
            state.aborted = true;
            state.connection.take()
        };
        if let Some(connection) = connection {
            connection.close();
        }
    }
}

#[cfg(test)]
mod tests;
